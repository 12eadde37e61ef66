"""Quality benchmark: do the models enhance real photos that no stage trained on?

    python bench/quality.py TRAIN BENCH                    # `gan-enhance run TRAIN --recipe cpu`, then every model on BENCH's sets
    python bench/quality.py TRAIN BENCH --run data/q/run   # score a finished run folder instead of training
    python bench/quality.py TRAIN BENCH --epochs 16        # the same with the generators pretrained for 16 epochs instead of the recipe's
    python bench/quality.py TRAIN BENCH --run data/q/run --self-ensemble gen_mse   # also gen_mse's self-ensemble (`gen_mse x8`)
    python bench/quality.py TRAIN BENCH --mode x4          # the cpu recipe's MSE generator on x4 pairs, against bicubic on Set14 x4
    python bench/quality.py PHOTOS PHOTOS --recipe tiny    # the code path in seconds (what the tests run, on sample photos)
    python bench/quality.py TRAIN BENCH --recipe full --random-weights --repeat 8 --losses mse   # the full recipe on a GPU without ImageNet weights

TRAIN is a folder of photos to train on (here ../shared/data/train/BSDS400); BENCH is a folder of benchmark
sets (sub-folders such as Set5, Set14, BSD100) or of photos. Benchmark photos are crappified with the training
preset and a seed other than training's (`--bench-seed`), scored at full resolution against the input (the
low-quality image upscaled bicubically), and shown at full resolution in `crops_<set>.png`. Everything goes to
`--out`: `quality.md` (the tables), `summary.csv`, `by_degradation.csv` and the example grids.
"""
import argparse, json, sys, time
from pathlib import Path

import pandas as pd

from gan_enhance.baseline import BASELINE_NAME, load_baseline
from gan_enhance.core import photo_files, WeightsUnavailable
from gan_enhance.config import recipe, run_config, GRAM_WEIGHT
from gan_enhance.crappify import crappify_folder
from gan_enhance.evaluate import evaluate, INPUT
from gan_enhance.gan import train_gan
from gan_enhance.files import BASELINE_FILE, CRITIC_FILE, LAST_GENERATOR_FILE, SELECTION_FILE, critic_folder
from gan_enhance.generator import load_generator, GlobalGenerator, ColourOnly
from gan_enhance.inference import SelfEnsemble
from gan_enhance.metrics import lpips_model
from gan_enhance.pipeline import run_pipeline
from gan_enhance.report import markdown_table
from gan_enhance.pretrain import pretrain_generator

MODELS = ('gen_mse', 'gen_feature', 'gan_mse', 'gan_feature')
PUBLISHED_X4 = {'Set14': {'bicubic (published)': (26.00, 0.7027), 'SRResNet (published)': (28.49, 0.7817)},
                'Set5': {'bicubic (published)': (28.42, 0.8104), 'SRResNet (published)': (32.05, 0.9019)}}


def benchmark_sets(bench:Path)->dict:
    "{name: folder} of the benchmark sets under `bench` (its sub-folders holding photos), or `bench` itself"
    sets = {d.name: d for d in sorted(bench.iterdir()) if d.is_dir() and not d.name.startswith('.') and len(photo_files(d))}
    return sets or {bench.name: bench}


def score_sets(sets:dict, models:dict, out:Path, preset:str, seed:int, n_show:int, **kwargs)->tuple:
    "Crappify each set with `preset` and `seed`, score the input and `models` on all of it, save its tables and crop grid"
    summaries, breakdowns, paired = [], [], []
    for name, folder in sets.items():
        start = time.perf_counter()
        pairs = out/'pairs'/name
        crappify_folder(folder, pairs, preset=preset, seed=seed, n_workers=0, progress=False)
        result = evaluate(pairs, models, sample=None, n_show=n_show, progress=False, **kwargs)
        result.save(out/'evaluation'/name)
        result.crop_grid(size=128, zoom=2).save(out/f'crops_{name}.png')
        summary = result.summary()[[c for c in ('psnr mean', 'psnr gain', 'ssim mean', 'ssim gain', 'haarpsi mean', 'haarpsi gain', 'lpips mean', 'lpips gain', 'detail mean', 'images')
                                    if c in result.summary()]]
        summaries.append(summary.assign(set=name).reset_index().rename(columns={'index': 'model'}))
        breakdown = result.by_degradation()
        if len(breakdown): breakdowns.append(breakdown.assign(set=name))
        if BASELINE_NAME in result.models: paired.append(result.against(BASELINE_NAME).assign(set=name).reset_index())
        print(f"[{name}] {len(result.per_image.relpath.unique())} photos scored in {time.perf_counter() - start:.0f} s", flush=True)
    table = pd.concat(summaries, ignore_index=True).set_index(['set', 'model'])
    return (table, pd.concat(breakdowns) if breakdowns else pd.DataFrame(),
            pd.concat(paired, ignore_index=True).set_index(['set', 'model']) if paired else pd.DataFrame())


def write_results(out:Path, title:str, table:pd.DataFrame, breakdown:pd.DataFrame, notes:list, paired:pd.DataFrame|None=None):
    "Print the tables and write them to `out` (quality.md, summary.csv, by_degradation.csv, against_baseline.csv)"
    table.to_csv(out/'summary.csv')
    if len(breakdown): breakdown.to_csv(out/'by_degradation.csv')
    md = [f"# {title}", "", *notes, "", "## PSNR (dB) and SSIM per set; gain = mean per-image difference from the input", "",
          markdown_table(table, 3), ""]
    if paired is not None and len(paired):
        paired.to_csv(out/'against_baseline.csv')
        md += [f"## Each model against `{BASELINE_NAME}`, photo by photo (PSNR, dB)", "",
               "`difference`: mean per-photo PSNR difference; `interval`: half-width of its 95% interval (1.96 standard errors); "
               "`better`: the share of photos where the model scores higher.", "", markdown_table(paired, 3), ""]
    if len(breakdown): md += ["## PSNR gain over the input by degradation", "", markdown_table(breakdown, 2), ""]
    md += [f"Example crops at full resolution: {', '.join(p.name for p in sorted(out.glob('crops_*.png')))}"]
    (out/'quality.md').write_text('\n'.join(md) + '\n')
    print('\n'.join(md))


def lpips_weights()->tuple: # (pretrained, note)
    "ImageNet weights for LPIPS where they can be had (the verdict), else random ones (the code path), and a note saying which"
    try:
        lpips_model('alex')
        return True, "LPIPS: AlexNet with ImageNet weights."
    except WeightsUnavailable:
        return False, "LPIPS: AlexNet with *random* weights (no ImageNet weights on this machine): a code path, not a verdict."


def pretrain_changes(args)->dict:
    "The changes to the pretraining recipe that the command line asks for: `--epochs`, `--repeat`, `--arch` and `--random-weights` (no ImageNet weights)"
    return {**(dict(unfrozen_epochs=args.epochs) if args.epochs else {}), **(dict(repeat=args.repeat) if args.repeat else {}),
            **(dict(arch=args.arch) if args.arch else {}), **(dict(pretrained=False) if args.random_weights else {})}


def variants(run:Path, args)->dict:
    "{name: model}: the global-statistics baseline, every model, and the options issue 13 compares (raw against EMA weights, the last GAN weights against the chosen ones, each global branch alone, other GAN losses, self-ensembles)"
    baseline = run/'models'/'baseline'/BASELINE_FILE
    models = {BASELINE_NAME: load_baseline(baseline)} if baseline.exists() else {}
    for name in MODELS:
        path = run/'models'/name/'generator.pth'
        if not path.exists(): continue
        models[name] = path
        if args.compare: models[f'{name} raw'] = load_generator(path, ema=False)[0]
        if args.compare and isinstance(models[f'{name} raw'], GlobalGenerator): models[f'{name} colour'] = ColourOnly(load_generator(path)[0])  # the weights used (EMA)
        if args.compare and (run/'models'/name/LAST_GENERATOR_FILE).exists(): models[f'{name} last'] = run/'models'/name/LAST_GENERATOR_FILE
        if name in (args.self_ensemble or []): models[f'{name} x8'] = SelfEnsemble(load_generator(path)[0])
    for loss in args.gan_losses or []:
        folder = run/'models'/f'gan_mse_{loss}'
        start = time.perf_counter()
        train_gan(run/'pairs', run/'models'/'gen_mse'/'generator.pth', critic_folder(run/'models'/'gen_mse')/CRITIC_FILE, recipe('gan', args.recipe, seed=args.seed, gan_loss=loss),
                  folder, device=args.device)
        print(f"GAN (mse, {loss}) trained in {time.perf_counter() - start:.0f} s", flush=True)
        models[f'gan_mse {loss}'] = folder/'generator.pth'
    return models


def gan_mode(args):
    "The cpu recipe's whole pipeline on TRAIN (or a finished run), all four models (and the variants asked for) scored on every benchmark set"
    out = Path(args.out)
    run = Path(args.run) if args.run else out/'run'
    if not args.run:
        start = time.perf_counter()
        changes = {**pretrain_changes(args), **(dict(global_branch=args.global_branch) if args.global_branch else {})}
        config = run_config(args.recipe, seed=args.seed, preset=args.preset, **({'losses': tuple(args.losses)} if args.losses else {}))
        run_pipeline(args.train, run, config.changed({'pretrain': changes}), device=args.device)
        print(f"Pipeline ({args.recipe}) finished in {(time.perf_counter() - start) / 60:.1f} min", flush=True)
    settings = json.loads((run/'run.json').read_text())
    preset = settings['pipeline']['preset']
    if args.bench_seed == settings['pipeline']['seed']: sys.exit("--bench-seed must differ from the training seed")
    models = variants(run, args)
    pretrained, lpips_note = lpips_weights()
    table, breakdown, paired = score_sets(benchmark_sets(Path(args.bench)), models, out, preset, args.bench_seed, args.n_show, device=args.device,
                                          pretrained=pretrained)
    gans = {name: load_generator(run/'models'/name/'generator.pth')[1] for name in ('gan_mse', 'gan_feature') if (run/'models'/name/SELECTION_FILE).exists()}
    chosen = [f"{name}: step {c.step} of {pd.read_csv(run/'models'/name/SELECTION_FILE).step.max()} ({c.chosen})" for name, c in gans.items()]
    stages = pd.DataFrame(settings['stages'])
    notes = [f"Models trained by `{run}` (recipe `{settings['pipeline']['recipe']}`, {settings['pairs']} photos from {settings['photos']}, "
             f"crappify preset `{preset}` seed {settings['pipeline']['seed']}); benchmark photos crappified with the same preset and seed "
             f"{args.bench_seed}, scored on RGB at full resolution.", "",
             "Pretraining: " + ', '.join(f"{loss} {c['frozen_epochs']} frozen + {c['unfrozen_epochs']} epochs per size {c['sizes']}, each photo "
                                         f"{c['repeat']}x per epoch, {'ImageNet' if c['pretrained'] else 'random'} weights"
                                         + (f", Gram weight {c.get('gram_weight', GRAM_WEIGHT):g}" if loss == 'feature' else '') for loss, c in settings['pretrain'].items())
             + "; global branch: "
             + ', '.join(f"{loss} {c.get('global_branch', 'none')} ({c.get('global_stats', 'basic')} statistics)" for loss, c in settings['pretrain'].items()) + ".", "",
             f"`{BASELINE_NAME}`: the baseline every model must beat (a per-photo colour gain and offset from the input's global statistics, a ridge "
             "regression fitted on the run's training photos). `detail mean`: the output's fine-detail energy over the target's (1 = as detailed).", "",
             "Training wall time per stage (s):", "", markdown_table(stages, 1), "", f"Total {stages.seconds.sum() / 60:.1f} min.", "", lpips_note,
             "`NAME raw`: the raw weights where NAME uses their EMA; `NAME last`: the GAN's last weights where NAME is the checkpoint chosen on "
             "the training photos' held-out split; `NAME colour`: NAME's global branch alone (its colour transform without the local repair); `gan_mse LOSS`: the GAN stage again with another adversarial loss; `NAME x8`: NAME's self-ensemble (the average of its outputs on the 8 flips and quarter turns of each photo).", "",
             "GAN checkpoints chosen: " + ('; '.join(chosen) or 'none')]
    write_results(out, 'Quality benchmark: held-out real photos', table, breakdown, notes, paired)


def x4_mode(args):
    "The cpu recipe's MSE generator trained on bicubic x4 pairs of TRAIN, scored on the benchmark sets at x4 (Y channel, 4-pixel border)"
    out = Path(args.out)
    pairs = out/'train_pairs'
    crappify_folder(args.train, pairs, preset='x4', seed=args.seed, progress=False)
    config = recipe('pretrain', args.recipe, loss='mse', seed=args.seed, **pretrain_changes(args))
    start = time.perf_counter()
    pretrain_generator(pairs, config, out/'gen_mse_x4', device=args.device)
    minutes = (time.perf_counter() - start) / 60
    table, *_ = score_sets(benchmark_sets(Path(args.bench)), {'gen_mse_x4': out/'gen_mse_x4'}, out, 'x4', args.bench_seed, args.n_show,
                          y_channel=True, crop=4, device=args.device)
    rows = [dict(set=s, model=m, **{'psnr mean': p, 'ssim mean': q}) for s, refs in PUBLISHED_X4.items() if s in table.index.get_level_values(0)
            for m, (p, q) in refs.items()]
    if rows: table = pd.concat([table, pd.DataFrame(rows).set_index(['set', 'model'])]).sort_index(level=0, sort_remaining=False)
    notes = [f"`{config.recipe}` recipe, MSE loss, on bicubic x4 pairs of {args.train} ({config.unfrozen_epochs} epochs, "
             f"{minutes:.1f} min of training). Y channel, 4-pixel border; `{INPUT}` is Pillow's bicubic upscaling of the x4 input."]
    write_results(out, 'Quality benchmark: x4 super-resolution', table, pd.DataFrame(), notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('train', help='folder of training photos')
    parser.add_argument('bench', help='folder of benchmark sets (sub-folders) or of photos: evaluation only')
    parser.add_argument('--mode', choices=('gan', 'x4'), default='gan', help='all four models on the seed preset, or the MSE generator at x4')
    parser.add_argument('--recipe', default='cpu', help='recipe of the training stages (cpu; tiny for a check in seconds)')
    parser.add_argument('--run', help='a finished run folder to score instead of training (gan mode)')
    parser.add_argument('--out', default='data/quality', help='output folder')
    parser.add_argument('--seed', type=int, default=42, help='training seed')
    parser.add_argument('--bench-seed', type=int, default=2026, help='crappify seed of the benchmark photos (not the training seed)')
    parser.add_argument('--preset', default='seed', help="gan mode: the crappify preset of training and benchmark photos (seed; local: seed without contrast and brightness)")
    parser.add_argument('--global-branch', choices=('gain', 'matrix', 'none'), help="gan mode: the generators' global branch (default: the recipe's)")
    parser.add_argument('--epochs', type=int, help="the generators' pretraining epochs (unfrozen_epochs; default: the recipe's)")
    parser.add_argument('--repeat', type=int, help="each training photo's crops per pretraining epoch (default: the recipe's; e.g. the `full` recipe, "
                        "made for Flickr30k's 28,600 training photos, on BSDS400's 360)")
    parser.add_argument('--arch', help="both generators' backbone (default: the recipe's: in the cpu recipe xresnet_small, 6.3M parameters, for both: the feature-loss "
                        "generator starts from the MSE one; xresnet_tiny, 1.6M, has about 3x the training steps per second of resnet18 on 2 CPU cores, data loading included)")
    parser.add_argument('--random-weights', action='store_true', help="train from random weights where the recipe would load ImageNet's (the `full` recipe on a "
                        "machine without them: a measurement of the code path and its speed, not of the recipe's quality)")
    parser.add_argument('--n-show', type=int, default=4, help='photos per set in the example grids')
    parser.add_argument('--device', help='cuda, cpu, ... (default: the GPU if there is one)')
    parser.add_argument('--compare', action='store_true', help='gan mode: also score each model\'s raw weights, its global branch alone and the GANs\' last weights')
    parser.add_argument('--losses', nargs='+', help="gan mode: the generators to train (default: the pipeline's, mse and feature)")
    parser.add_argument('--self-ensemble', nargs='*', choices=MODELS, help="gan mode: also score these models' self-ensembles (`NAME x8`: 8x their time)")
    parser.add_argument('--gan-losses', nargs='*', help='gan mode: also GAN-train the MSE generator with these losses (wgan, wgan-gp, ragan)')
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (x4_mode if args.mode == 'x4' else gan_mode)(args)


if __name__ == '__main__': main()
