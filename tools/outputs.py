"""Run notebooks and keep their outputs, so the docs show tables and pictures: `python tools/outputs.py [NOTEBOOK ...]`.

The committed notebooks hold their outputs (the docs site, nbdev's Quarto build included, does not execute them).
This runs each notebook as `nbdev-test --save` does, then keeps the outputs small: pictures as JPEG, no outputs of
hidden cells or progress bars, long logs cut, and `nbdev-clean`'s cleaning. Rerun it for a notebook whose examples
changed; CI only checks that the notebooks are clean.
"""
import argparse, base64, io, json, os, re, subprocess, sys
from pathlib import Path
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MAX_PNG = 60_000  # bytes: a larger picture (a photo, not a line plot) is kept as JPEG
MAX_WIDTH = 640  # pixels: wide enough for a docs page
MAX_LINES = 30  # lines of a log kept: the first and the last

def _jpeg(png_b64:str)->str:
    "A base64 PNG as a base64 JPEG, at most `MAX_WIDTH` wide"
    image = Image.open(io.BytesIO(base64.b64decode(png_b64))).convert('RGB')
    if image.width > MAX_WIDTH: image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
    out = io.BytesIO(); image.save(out, 'JPEG', quality=75, optimize=True)
    return base64.b64encode(out.getvalue()).decode()

PROGRESS_LINE = re.compile(r'\|[█-]*\|?\s*\d+(\.\d+)?%|^\s*█?\s*$|^Epoch \d+/\d+ :\s*$')  # fastprogress's bars, printed as text outside Jupyter

def _cut(text:str)->str:
    "A log without progress bars, long ones as their first and last lines"
    lines = [l for l in text.splitlines(keepends=True) if not PROGRESS_LINE.search(l.rstrip('\n'))]
    if len(lines) <= MAX_LINES: return ''.join(lines)
    head, tail = MAX_LINES * 2 // 3, MAX_LINES // 3
    return ''.join(lines[:head] + [f'... ({len(lines) - head - tail} lines cut)\n'] + lines[-tail:])

def _keep(output:dict)->bool:
    "Whether an output is worth a reader's look (progress bars are not)"
    html = ''.join(output.get('data', {}).get('text/html', ''))
    return '<progress' not in html and not (output.get('output_type') == 'stream' and not ''.join(output.get('text', '')).strip())

def shrink_saved(notebook:Path):
    "Shrink the outputs a notebook already holds, without running it"
    nb = shrink_outputs(json.loads(notebook.read_text()))
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def shrink_outputs(nb:dict)->dict:
    "Small outputs for a notebook: none for hidden cells and progress bars, photos as JPEG, long logs cut"
    for cell in nb['cells']:
        if cell['cell_type'] != 'code': continue
        source = ''.join(cell['source'])
        if re.search(r'^#\|\s*hide\s*$', source, re.M): cell['outputs'] = []; continue
        cell['outputs'] = [o for o in cell['outputs'] if _keep(o)]
        for output in cell['outputs']:
            data = output.get('data', {})
            png = ''.join(data.get('image/png', ''))
            if len(png) * 3 // 4 > MAX_PNG:
                data['image/jpeg'] = _jpeg(png); del data['image/png']
            if output.get('output_type') == 'stream': output['text'] = _cut(''.join(output['text']))
        cell['outputs'] = [o for o in cell['outputs'] if _keep(o)]  # a log that was only progress bars
    return nb

def save_outputs(notebook:Path):
    "Run `notebook` saving its outputs (as `nbdev-test --save`), then shrink and clean them"
    env = {**os.environ, 'GAN_ENHANCE_OFFLINE': '1', 'MPLBACKEND': 'Agg'}
    subprocess.run(['nbdev-test', '--save', str(notebook)], check=True, cwd=ROOT, env=env)
    shrink_saved(notebook)
    subprocess.run(['nbdev-clean', '--fname', str(notebook)], check=True, cwd=ROOT)
    print(f"{notebook.name}: {notebook.stat().st_size / 1e3:.0f} kB with outputs")

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('notebooks', nargs='*', type=Path, help='notebooks to run (default: every notebook in nbs/)')
    args = parser.parse_args()
    for notebook in args.notebooks or sorted((ROOT/'nbs').glob('[!_]*.ipynb')): save_outputs(notebook.resolve())
