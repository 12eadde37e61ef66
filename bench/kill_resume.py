"""Kill runs at every kind of moment with SIGKILL, rerun them, and compare with runs never interrupted.

    python bench/kill_resume.py --out /tmp/kill_resume

Three stages, each run once uninterrupted and once killed again and again until it finishes:
- crappify (60 generated photos, 2 workers): killed at random moments; the pairs and the manifest must be
  byte-identical to the uninterrupted run's, and the workers must stop with the run;
- pretrain (tiny recipe, 4 epochs): killed during an epoch, during a checkpoint write (when its temporary
  file appears), just after a checkpoint was saved, and right after a resume has started (while it skips the epochs done);
- GAN (tiny recipe, 2 + 2 epochs): the same kinds of kill.
The histories must be equal number for number, the final generators weight for weight, no temporary file may be
left, and no history row may be empty. Writes kill_resume.md and prints it.
"""
import argparse, hashlib, json, random, signal, subprocess, sys, threading, time
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

CLI = [sys.executable, '-m', 'gan_enhance.cli']

def digests(folder:Path)->dict:
    return {p.relative_to(folder).as_posix(): hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.rglob('*')) if p.is_file()}

class Run:
    "A CLI command in a subprocess, with its output collected line by line in a thread"
    def __init__(self, args):
        self.proc = subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(iter(self.proc.stdout.readline, '')), daemon=True).start()
    def alive(self)->bool: return self.proc.poll() is None
    def kill(self): self.proc.send_signal(signal.SIGKILL); self.proc.wait()
    def output(self)->str: return ''.join(self.lines)

def wait_for(condition, run:Run, timeout:float=600, step:float=0.005)->bool:
    "Poll `condition` until it holds (True) or the run ends (False)"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition(): return True
        if not run.alive(): return False
        time.sleep(step)
    raise TimeoutError("the run neither reached the moment nor ended")

def _mtime(path:Path)->int: return path.stat().st_mtime_ns if path.exists() else 0

def killed_until_done(args, folder:Path, plan:list, rng:random.Random)->list:
    "Rerun `args` until it exits 0, killing each attempt at the next moment of `plan`; the log of what was done"
    log = []
    for attempt in range(100):
        how = plan[attempt] if attempt < len(plan) else None
        checkpoint = folder/'checkpoint.pth'
        if how == 'during the resume skip' and not checkpoint.exists(): how = 'after a checkpoint'  # nothing to resume yet
        run, start, saved = Run(args), time.time(), _mtime(checkpoint)
        at = rng.uniform(12, 30) if how == 'during an epoch' else rng.uniform(0.5, 3)  # seconds after the start
        if how in ('during an epoch', 'at random'): hit = wait_for(lambda: time.time() - start > at, run)
        elif how == 'during a checkpoint write': hit = wait_for(lambda: any(folder.glob('.checkpoint.pth.gan-enhance-*.tmp')), run)
        elif how == 'after a checkpoint': hit = wait_for(lambda: _mtime(checkpoint) != saved, run)  # an epoch was saved: kill in the next one
        elif how == 'during the resume skip': hit = wait_for(lambda: 'Resuming' in run.output(), run)
        else: hit = False
        if hit: run.kill()
        else: run.proc.wait()
        done = len(list((folder/'lr').rglob('*.*'))) if (folder/'lr').exists() else len(pd.read_csv(folder/'history.csv')) if (folder/'history.csv').exists() else 0
        log.append(dict(attempt=attempt + 1, kill=how if hit else '(ran to the end)', seconds=round(time.time() - start, 1), exit=run.proc.returncode, done_after=done,
                        leftovers=len(list(folder.rglob('.*.tmp'))) if folder.exists() else 0))
        if not hit:
            if run.proc.returncode != 0: raise RuntimeError(f"{args[0]} failed:\n{run.output()[-3000:]}")
            return log
    raise RuntimeError("never finished")

def compare_runs(whole:Path, resumed:Path)->dict:
    "How far a killed-and-resumed training run is from the uninterrupted one"
    import torch
    a, b = pd.read_csv(whole/'history.csv'), pd.read_csv(resumed/'history.csv')
    numbers = [c for c in a.columns if c != 'stage']
    wa, wb = (torch.load(f/'generator.pth', weights_only=True)['state_dict'] for f in (whole, resumed))
    return dict(rows=f"{len(b)} of {len(a)}", empty_rows=int(b[numbers].isna().all(axis=1).sum()), same_stages=a.stage.tolist() == b.stage.tolist(),
                history_max_diff=float(np.abs(a[numbers].to_numpy(float) - b[numbers].to_numpy(float)).max()) if len(a) == len(b) else float('nan'),
                weights_max_diff=max(float((wa[k].float() - wb[k].float()).abs().max()) for k in wa), leftovers=len(list(resumed.glob('.*.tmp'))),
                checkpoint_left=(resumed/'checkpoint.pth').exists())

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='/tmp/kill_resume', help='working folder (emptied first)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the kill times')
    args = parser.parse_args()
    out, rng, sections = Path(args.out), random.Random(args.seed), []
    if out.exists(): subprocess.run(['rm', '-rf', str(out)], check=True)
    photos = out/'photos'; photos.mkdir(parents=True)
    for i in range(60): Image.fromarray(np.random.default_rng(i).integers(0, 256, (300, 400, 3), dtype=np.uint8)).save(photos/f'{i:03}.jpg')

    crappify = lambda dest: ['crappify', photos, dest, '--preset', 'seed', '--n-workers', '2']
    subprocess.run(CLI + [str(a) for a in crappify(out/'pairs_whole')], check=True, capture_output=True)
    log = killed_until_done(crappify(out/'pairs_killed'), out/'pairs_killed', ['at random'] * 4, rng)
    same = {k: v for k, v in digests(out/'pairs_whole').items() if k != 'manifest.csv'} == {k: v for k, v in digests(out/'pairs_killed').items() if k != 'manifest.csv'}
    manifests = [pd.read_csv(f/'manifest.csv').drop(columns='resumed') for f in (out/'pairs_whole', out/'pairs_killed')]
    sections.append(('crappify', log, dict(pairs_identical=same, manifest_identical=manifests[0].equals(manifests[1]))))
    save = lambda: (out/'kill_resume.json').write_text(json.dumps(sections, indent=1, default=str))  # kept as it goes
    save()

    pairs, plan = out/'pairs_whole', ['during an epoch', 'during a checkpoint write', 'after a checkpoint', 'during the resume skip', 'during a checkpoint write', 'after a checkpoint', 'during the resume skip']
    pretrain = lambda dest: ['pretrain', pairs, '--loss', 'mse', '--recipe', 'tiny', '--unfrozen-epochs', '4', '--repeat', '2', '--device', 'cpu', '--out', dest]
    subprocess.run(CLI + [str(a) for a in pretrain(out/'gen_whole')], check=True, capture_output=True)
    log = killed_until_done(pretrain(out/'gen_killed'), out/'gen_killed', plan, rng)
    sections.append(('pretrain', log, compare_runs(out/'gen_whole', out/'gen_killed')))
    save()

    subprocess.run(CLI + [str(a) for a in ['critic', pairs, '--generator', out/'gen_whole', '--recipe', 'tiny', '--predictions', out/'generated', '--device', 'cpu']],
                   check=True, capture_output=True)
    gan = lambda dest: ['gan', pairs, out/'gen_whole', '--recipe', 'tiny', '--gan-epochs', '2', '2', '--repeat', '2', '--device', 'cpu', '--out', dest]
    subprocess.run(CLI + [str(a) for a in gan(out/'gan_whole')], check=True, capture_output=True)
    log = killed_until_done(gan(out/'gan_killed'), out/'gan_killed', plan, rng)
    sections.append(('GAN', log, compare_runs(out/'gan_whole', out/'gan_killed')))
    save()

    from gan_enhance.report import markdown_table
    lines = ['# Killed and resumed against uninterrupted', '', f'`python bench/kill_resume.py --out {out} --seed {args.seed}`', '']
    for name, log, result in sections:
        lines += [f'## {name}', '', markdown_table(pd.DataFrame(log)), '', markdown_table(pd.DataFrame([result]), digits=9), '']
    report = '\n'.join(lines)
    (out/'kill_resume.md').write_text(report)
    print(report)

if __name__ == '__main__': main()
