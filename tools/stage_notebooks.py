"""Run the pipeline's notebooks in order, as a user runs them: not tiny mode, on the sample photos, offline.

    python tools/stage_notebooks.py [--recipe tiny] [--keep]

`nbdev-test` runs each notebook alone on tiny inputs it makes itself, so it never checks the sequence users run:
the stage notebooks, `nbs/s<N>_<name>.ipynb` (the `s` and the number are their marker and their order), each read what
the ones before wrote: s1 crappifies the photos into data/pairs, s2 pretrains both generators on them, s3 pretrains a
critic for each generator, s4 GAN-trains both, s5 scores all four. Here they run whole, in order, in a fresh project
folder ($GAN_ENHANCE_HOME), with the photos in $GAN_ENHANCE_PHOTOS (scikit-image's sample photos, at most 384 px) and
downloads off ($GAN_ENHANCE_OFFLINE), so each stage uses the weights its inputs were made with (random ones). The
notebooks use the recipe in $GAN_ENHANCE_RECIPE: `quick` by default, as a user on a CPU gets it; CI passes `--recipe
tiny`, the same notebooks and files on a narrow backbone. Exit 1 at the first failure.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

from fastcore.nbio import read_nb
from execnb.shell import CaptureShell

STAGE_NOTEBOOK = re.compile(r's(\d+)_\w+\.ipynb')  # what marks a stage notebook, and its place in the order


def stage_notebooks(nbs:Path)->list:
    "The stage notebooks' names, in their order"
    found = [(int(m.group(1)), p.stem) for p in nbs.glob('s*.ipynb') if (m := STAGE_NOTEBOOK.fullmatch(p.name))]
    return [name for _, name in sorted(found)]


def run_one(nbs:Path, name:str)->int:
    "Run one notebook's cells in this process (the environment names the project folder); 1 on failure"
    nb = read_nb(nbs/f'{name}.ipynb')
    nb.cells = [c for c in nb.cells if c.cell_type == 'code']
    os.chdir(nbs)
    try: CaptureShell().run_all(nb, exc_stop=True)
    except Exception as e:
        print(f"FAILED {name}: {type(e).__name__}: {e}")
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--recipe', default='quick', help='recipe of every stage ($GAN_ENHANCE_RECIPE): quick as on a CPU, tiny for a check in CI')
    parser.add_argument('--keep', action='store_true', help='keep the project folder (printed) instead of removing it')
    parser.add_argument('--notebook', help=argparse.SUPPRESS)  # run one notebook here: each gets its own process, so none keeps another's memory
    args = parser.parse_args()
    nbs = Path(__file__).resolve().parent.parent/'nbs'
    if args.notebook: return run_one(nbs, args.notebook)
    home = Path(tempfile.mkdtemp(prefix='gan_enhance_stages_'))
    from PIL import Image
    from gan_enhance.core import sample_photos
    photos = sample_photos(home/'photos')
    for path in photos.glob('*.jpg'):  # at most 384 px, as the quick pipeline crappifies them: minutes, not a quarter of an hour
        with Image.open(path) as img: small = img.copy()
        small.thumbnail((384, 384), Image.Resampling.LANCZOS)
        small.save(path, quality=95)
    os.environ.update(GAN_ENHANCE_HOME=str(home), GAN_ENHANCE_PHOTOS=str(photos), GAN_ENHANCE_OFFLINE='1', MPLBACKEND='Agg', GAN_ENHANCE_RECIPE=args.recipe)
    os.environ.pop('IN_TEST', None)  # a user's run: no tiny inputs
    total = time.perf_counter()
    try:
        order = stage_notebooks(nbs)
        for name in order:
            start = time.perf_counter()
            if subprocess.run([sys.executable, __file__, '--notebook', name]).returncode: return 1
            print(f"ok {name} in {time.perf_counter() - start:.0f} s", flush=True)
        models = sorted(p.parent.name for p in (home/'models').glob('*/generator.pth'))
        print(f"All {len(order)} stage notebooks ran in order ({args.recipe} recipe) in {(time.perf_counter() - total) / 60:.1f} min; models: {', '.join(models)}")
        return 0
    finally:
        if args.keep: print(f"Project folder: {home}")
        else: shutil.rmtree(home, ignore_errors=True)


if __name__ == '__main__': sys.exit(main())
