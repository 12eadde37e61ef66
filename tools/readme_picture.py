"""Make the README's before/after picture: `python tools/readme_picture.py GENERATOR [--photo NAME]`.

A built-in sample photo that the generator never saw (scikit-image's; the README's models train on other photos) is
crappified with the training preset, enhanced, and its most detailed square shown at 2x as input | model | original,
with the PSNR of each. Written to nbs/images/before_after.jpg, which README.md and index.ipynb show.
"""
import argparse, tempfile
from pathlib import Path
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent

def before_after(generator:Path, photo:str='coffee', preset:str='seed', seed:int=2026, size:int=200, zoom:int=2)->Image.Image:
    "Input, `generator`'s output and the original of one crappified sample photo, its most detailed square, with their PSNR"
    from gan_enhance.core import sample_photos
    from gan_enhance.crappify import crappify_folder
    from gan_enhance.evaluate import evaluate, INPUT
    with tempfile.TemporaryDirectory() as tmp:
        pairs = Path(tmp)/'pairs'
        crappify_folder(sample_photos(Path(tmp)/'photos', names=photo), pairs, preset=preset, seed=seed, n_workers=0, progress=False)
        result = evaluate(pairs, {'enhanced': generator}, sample=None, n_show=1, perceptual=None, progress=False)
    grid = result.crop_grid(size=size, zoom=zoom)
    psnr = result.per_image.set_index('model').psnr
    labels = [f"input (bicubic): {psnr[INPUT]:.2f} dB", f"enhanced: {psnr['enhanced']:.2f} dB", 'original']
    crops = grid.crop((0, 14, grid.width, grid.height))  # without `crop_grid`'s small labels
    picture = Image.new('RGB', (crops.width, crops.height + 26), 'white')
    picture.paste(crops, (0, 26))
    draw, side, font = ImageDraw.Draw(picture), picture.width // 3, ImageFont.load_default(size=18)
    for col, label in enumerate(labels): draw.text((col * side + 4, 3), label, fill='black', font=font)
    return picture

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('generator', type=Path, help='a generator file or run folder')
    parser.add_argument('--photo', default='coffee', help="a scikit-image sample photo the generator did not train on")
    parser.add_argument('--out', type=Path, default=ROOT/'nbs'/'images'/'before_after.jpg')
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    before_after(args.generator, args.photo).save(args.out, quality=90)
    print(f"Wrote {args.out}")
