"""Make the README's pictures: `python tools/readme_picture.py GENERATOR [NAME=GENERATOR ...] [--photo NAME] [--out FILE]`.

A built-in sample photo that the generators never saw (scikit-image's; the README's models train on other photos) is
crappified with the training preset, enhanced by each generator, and its most detailed square shown at 2x as
input | each model | original, with the PSNR of each. One generator: nbs/images/before_after.jpg (the README's first
picture); `gen_mse=RUN/models/gen_mse gan_mse=RUN/models/gan_mse --out nbs/images/gen_gan.jpg` shows a generator
and its GAN side by side.
"""
import argparse, tempfile
from pathlib import Path
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent

def before_after(generators:dict, photo:str='coffee', preset:str='seed', seed:int=2026, size:int=200, zoom:int=2)->Image.Image:
    "Input, each of `generators`' outputs ({label: file or folder}) and the original of one crappified sample photo, its most detailed square, with their PSNR"
    from gan_enhance.core import sample_photos
    from gan_enhance.crappify import crappify_folder
    from gan_enhance.evaluate import evaluate, INPUT
    with tempfile.TemporaryDirectory() as tmp:
        pairs = Path(tmp)/'pairs'
        crappify_folder(sample_photos(Path(tmp)/'photos', names=photo), pairs, preset=preset, seed=seed, n_workers=0, progress=False)
        result = evaluate(pairs, generators, sample=None, n_show=1, perceptual=None, progress=False)
    grid = result.crop_grid(size=size, zoom=zoom)
    psnr = result.per_image.set_index('model').psnr
    labels = [f"input (bicubic): {psnr[INPUT]:.2f} dB", *(f"{name}: {psnr[name]:.2f} dB" for name in generators), 'original']
    crops = grid.crop((0, 14, grid.width, grid.height))  # without `crop_grid`'s small labels
    picture = Image.new('RGB', (crops.width, crops.height + 26), 'white')
    picture.paste(crops, (0, 26))
    draw, side, font = ImageDraw.Draw(picture), picture.width // len(labels), ImageFont.load_default(size=18)
    for col, label in enumerate(labels): draw.text((col * side + 4, 3), label, fill='black', font=font)
    return picture

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('generators', nargs='+', help="generator files or run folders, each as NAME=PATH, or one PATH (shown as 'enhanced')")
    parser.add_argument('--photo', default='coffee', help="a scikit-image sample photo the generator did not train on")
    parser.add_argument('--out', type=Path, default=ROOT/'nbs'/'images'/'before_after.jpg')
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    named = [g.split('=', 1) if '=' in g else ('enhanced', g) for g in args.generators]
    if len({name for name, _ in named}) < len(named): parser.error("each generator needs a name of its own: give them as NAME=PATH")
    generators = dict(named)
    before_after(generators, args.photo).save(args.out, quality=90)
    print(f"Wrote {args.out}")
