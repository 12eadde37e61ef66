"""Run the pipeline's notebooks in order, as a user runs them: not tiny mode, on the sample photos, offline.

    python tools/stage_notebooks.py [--recipe tiny] [--keep]

`nbdev-test` runs each notebook alone on tiny inputs it makes itself, so it never checks the sequence users run:
01_crappify writes data/pairs, 06 pretrains both generators on them, 08 pretrains a critic for each generator, 10 GAN-trains both
of them, 12 scores all four. Here every notebook reads what the ones before it wrote, in a fresh project
folder ($GAN_ENHANCE_HOME), with the photos in $GAN_ENHANCE_PHOTOS (scikit-image's sample photos, at most 384 px) and downloads
off ($GAN_ENHANCE_OFFLINE), so each stage uses the weights its inputs were made with (random ones). The notebooks use the
recipe in $GAN_ENHANCE_RECIPE: `quick` by default, as a user on a CPU gets it; CI passes `--recipe tiny`, the same
notebooks and files on a narrow backbone, since the quick recipe's training is what `gan-enhance run` shows.
Stage notebooks run whole; library notebooks run their imports and their pipeline-stage cells (from the first
cell that opens the `Workspace`, without the tests' hidden clean-up), since their tests already run under nbdev-test. Exit 1 at the first failure.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

from fastcore.nbio import read_nb, mk_cell
from execnb.shell import CaptureShell

ORDER = ['01_crappify', '06_pretrain_generators', '08_critic', '10_gan_training', '12_evaluate']


def stage_cells(nb)->list:
    "A library notebook's imports (the cells before its first section, then its module's exports) and its pipeline-stage cells; a stage notebook's every cell"
    cells = [c for c in nb.cells if c.cell_type == 'code']
    module = next((c.source.split()[-1] for c in cells if c.source.startswith('#| default_exp')), None)
    if module is None: return cells
    first_section = next(i for i, c in enumerate(nb.cells) if c.cell_type == 'markdown' and c.source.startswith('## '))
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and 'Workspace(' in c.source)
    library = mk_cell(f'from gan_enhance.{module} import *')  # what `import gan_enhance` gives a user, instead of the cells that define it
    return [c for i, c in enumerate(nb.cells) if c.cell_type == 'code' and i < first_section] + [library] + \
           [c for i, c in enumerate(nb.cells) if c.cell_type == 'code' and i >= start and not c.source.startswith('#| hide')]  # not the tests' clean-up


def run_one(nbs:Path, name:str)->int:
    "Run one notebook's cells in this process (the environment names the project folder); 1 on failure"
    nb = read_nb(nbs/f'{name}.ipynb')
    nb.cells = stage_cells(nb)
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
        for name in ORDER:
            start = time.perf_counter()
            if subprocess.run([sys.executable, __file__, '--notebook', name]).returncode: return 1
            print(f"ok {name} in {time.perf_counter() - start:.0f} s", flush=True)
        models = sorted(p.parent.name for p in (home/'models').glob('*/generator.pth'))
        print(f"All {len(ORDER)} notebooks ran in order ({args.recipe} recipe) in {(time.perf_counter() - total) / 60:.1f} min; models: {', '.join(models)}")
        return 0
    finally:
        if args.keep: print(f"Project folder: {home}")
        else: shutil.rmtree(home, ignore_errors=True)


if __name__ == '__main__': sys.exit(main())
