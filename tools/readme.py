"""Write README.md from nbs/index.ipynb without Quarto (which `nbdev-readme` needs and CI can't install).

Markdown cells are copied as they are; code cells become ```python blocks with their text outputs;
cells marked `#| hide` are left out. Links and pictures in index.ipynb are relative to `nbs/` (as the docs site
reads them); here they become relative to the repository's root. Run `python tools/readme.py` after editing nbs/index.ipynb;
`python tools/readme.py --check` exits 1 when README.md is out of date (CI runs it).
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def cell_text(cell): return ''.join(cell['source'])


def from_root(markdown:str)->str:
    "Links and pictures relative to `nbs/` made relative to the repository's root"
    def fix(m):
        target = m.group(1)
        if re.match(r'[a-z]+:|#|/', target): return m.group(0)
        return f"]({target[3:] if target.startswith('../') else 'nbs/' + target})"
    return re.sub(r'\]\(([^)\s]+)\)', fix, markdown)


def render(nb_path=root/'nbs'/'index.ipynb')->str:
    parts = []
    for cell in json.loads(Path(nb_path).read_text())['cells']:
        text = cell_text(cell)
        lines = text.splitlines()
        if any(l.strip() in ('#| hide', '#|hide') for l in lines): continue
        if cell['cell_type'] == 'markdown': parts.append(from_root(text.strip()))
        elif cell['cell_type'] == 'code':
            code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if code: parts.append(f"```python\n{code}\n```")
            outputs = ''.join(''.join(o.get('text', '')) for o in cell.get('outputs', []) if o.get('output_type') == 'stream')
            if outputs.strip(): parts.append(f"```\n{outputs.rstrip()}\n```")
    return '\n\n'.join(parts) + '\n'


if __name__ == '__main__':
    text, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`")
    else: readme.write_text(text)
