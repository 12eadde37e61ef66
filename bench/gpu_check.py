"""What only a GPU shows, in one short run (issue 13's device check; needs CUDA):

    python bench/gpu_check.py --out OUT

1. Generator training speed and peak memory of the `full` recipe's U-Net (ResNet-34, 128 px x 32 and 256 px x 12):
   fp32 against fp16 autocast + channels-last (the recipe's `mixed_precision`), fastai Learner, random weights.
2. The quick pipeline end to end on CUDA (EMA, checkpoint selection, LPIPS on a random backbone): stage times.
3. The CUDA out-of-memory path of `Enhancer`: a process memory cap makes the first tile size fail; it must retry
   with smaller tiles and give the same image as an uncapped run.
"""
import argparse, json, subprocess, sys, time
from pathlib import Path

import torch


def training(size:int, bs:int, amp:bool, batches:int=12, ema:bool=False)->dict:
    "Images per second and peak memory of fastai training steps of the full recipe's generator (with `ModelEMA` if `ema`)"
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    from fastai.losses import MSELossFlat
    from fastai.callback.fp16 import MixedPrecision
    from fastai.callback.channelslast import ChannelsLast
    from fastai.optimizer import Adam
    from gan_enhance.generator import create_generator
    torch.manual_seed(0)
    model = create_generator('resnet34', pretrained=False, size=size).cuda()
    data = [(torch.randn(bs, 3, size, size), torch.randn(bs, 3, size, size)) for _ in range(batches)]
    dls = DataLoaders(DataLoader(data, bs=None, device='cuda'), DataLoader(data[:1], bs=None, device='cuda'), device='cuda')
    from gan_enhance.runs import ModelEMA
    cbs = ([MixedPrecision(), ChannelsLast()] if amp else []) + ([ModelEMA(0.999)] if ema else [])
    learn = Learner(dls, model, loss_func=MSELossFlat(), opt_func=Adam, cbs=cbs)
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4)  # warm-up: cuDNN autotuning, allocator
    torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    seconds = float('inf')
    for _ in range(2):  # the faster of two timed epochs
        start = time.perf_counter()
        with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4)
        torch.cuda.synchronize()
        seconds = min(seconds, time.perf_counter() - start)
    return dict(size=size, bs=bs, precision='fp16 + channels-last' if amp else 'fp32', ema=ema, img_per_s=round((batches + 1) * bs / seconds, 1),
                peak_gib=round(torch.cuda.max_memory_allocated() / 2**30, 2))


def oom_path()->dict:
    "Enhance a 3000x2000 photo on CUDA under a memory cap that the first tile size exceeds: it must retry and match the uncapped output"
    import numpy as np
    from PIL import Image
    from gan_enhance.core import sample_photos
    from gan_enhance.enhance import Enhancer
    from gan_enhance.generator import create_generator
    photo = Image.open(sample_photos('/tmp/gpu_check_photos', names=('astronaut',))/'astronaut.jpg').resize((3000, 2000))
    torch.manual_seed(0)
    model = create_generator(pretrained=False, size=64).eval()
    reference = np.asarray(Enhancer(model, device='cuda', tile_size=512, overlap=32, batch_size=1)(photo), dtype=np.int16)
    torch.cuda.empty_cache()
    free, total = torch.cuda.mem_get_info()
    cap = 3 * 2**30  # 3 GiB for this process
    torch.cuda.set_per_process_memory_fraction(cap / total)
    capped = Enhancer(model, device='cuda', tile_size=4096, overlap=32, batch_size=4)
    start = time.perf_counter()
    out = np.asarray(capped(photo), dtype=np.int16)
    torch.cuda.set_per_process_memory_fraction(1.0)
    return dict(retries=capped.retries, final_tile=capped.tile_size, final_batch=capped.batch_size, seconds=round(time.perf_counter() - start, 2),
                max_abs_difference_vs_512px_tiles=int(np.abs(out - reference).max()), mean_abs_difference=float(np.abs(out - reference).mean()))


def gan_stage(folder:Path)->dict:
    "The `full` recipe's GAN stage on CUDA (256 px, batch 12, ResNet-34 U-Net, 128-filter critic, feature loss, EMA, checkpoint selection): time and memory"
    import pandas as pd
    from gan_enhance.core import sample_photos
    from gan_enhance.crappify import crappify_folder
    from gan_enhance.config import recipe
    from gan_enhance.critic import create_critic, save_critic
    from gan_enhance.gan import train_gan
    from gan_enhance.files import SELECTION_FILE
    from gan_enhance.generator import create_generator, save_generator
    crappify_folder(sample_photos(folder/'photos'), folder/'pairs', preset='seed', seed=42, n_workers=0, progress=False)
    torch.manual_seed(0)
    save_generator(create_generator(pretrained=False, size=256), folder/'gen'/'generator.pth', size=256, loss='feature', pretrained=False)
    config = recipe('gan', 'full', repeat=60, gan_epochs=(1, 1), select_every=10, valid_pct=0.3, num_workers=8)  # random weights: no downloads
    save_critic(create_critic(pretrained=False, filters=config.critic_filters), folder/'gen'/'critic.pth', config)
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    learn = train_gan(folder/'pairs', folder/'gen'/'generator.pth', folder/'gen'/'critic.pth', config, folder/'gan', device='cuda')
    seconds = time.perf_counter() - start
    history, selection = pd.read_csv(folder/'gan'/'history.csv'), pd.read_csv(folder/'gan'/SELECTION_FILE)
    steps = int(history.gen_steps.sum() + history.crit_steps.sum())
    return dict(seconds=round(seconds, 1), batches=steps, batches_per_s=round(steps / seconds, 2), gen_steps=int(history.gen_steps.sum()),
                scores=len(selection), peak_gib=round(torch.cuda.max_memory_allocated() / 2**30, 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='/tmp/gpu_check')
    parser.add_argument('--skip-pipeline', action='store_true')
    parser.add_argument('--only-gan', action='store_true', help="only the full recipe's GAN stage")
    parser.add_argument('--only-speed', action='store_true', help='only training speed: 256 px at batch 12 and 64, fp32 and AMP, with and without EMA')
    args = parser.parse_args()
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    assert torch.cuda.is_available(), "needs CUDA"
    results = dict(device=torch.cuda.get_device_name(), torch=torch.__version__)
    print(results, flush=True)
    if args.only_gan:
        results['gan_full_recipe'] = gan_stage(out/'gan_stage')
        print('GAN stage, full recipe:', results['gan_full_recipe'], flush=True)
        (out/'gpu_check.json').write_text(json.dumps(results, indent=2))
        return
    if args.only_speed:
        results['training'] = [training(256, bs, amp, batches=24, ema=ema) for bs in (12, 64) for amp in (False, True) for ema in (False, True)]
        for row in results['training']: print(row, flush=True)
        (out/'gpu_check.json').write_text(json.dumps(results, indent=2))
        return
    results['training'] = [training(size, bs, amp) for size, bs in ((128, 32), (256, 12)) for amp in (False, True)]
    for row in results['training']: print(row, flush=True)
    results['oom'] = oom_path()
    print('OOM path:', results['oom'], flush=True)
    if not args.skip_pipeline:
        start = time.perf_counter()
        subprocess.run([sys.executable, '-m', 'gan_enhance.cli', 'run', '--recipe', 'quick', '--device', 'cuda', '--out', str(out/'run')], check=True)
        run = json.loads((out/'run'/'run.json').read_text())
        results['pipeline_quick_cuda'] = dict(seconds=round(time.perf_counter() - start, 1), stages=run['stages'])
        print('quick pipeline on CUDA:', results['pipeline_quick_cuda'], flush=True)
    (out/'gpu_check.json').write_text(json.dumps(results, indent=2))


if __name__ == '__main__': main()
