"""Inference speed of `Enhancer` against the bare model forward, float32 against bfloat16, and memory against image size.

    python bench/enhance_speed.py                             # 1024x768 sample photo, random-weight ResNet-34 U-Net, CPU
    python bench/enhance_speed.py --generator data/run/models/gan_feature --image photo.jpg
    python bench/enhance_speed.py --memory                    # also: peak memory with 256 px tiles, 1x and 4x the pixels
    python bench/enhance_speed.py --generator data/run/models/gen_mse --seams   # also: tiled against whole-image output

Speed (best of --rounds, the sides taking turns in each round, same pixels):
- bare forward: `model(x)` on the normalised (1, 3, 768, 1024) tensor, in inference mode, as the model comes
  (weight-norm hooks, contiguous layout) and as `inference_model` prepares it (weight norm folded, channels-last);
- enhance: `Enhancer(...)(photo)` end to end: PIL in, PIL out, tiling, normalisation, padding, blending.
Goals (issue 6): enhance >= 0.85x the bare forward; bf16 >= 1.8x fp32 with the output within 0.5 dB PSNR.
Quality: the photo is degraded (half size, JPEG 30, upscaled back), enhanced in fp32 and bf16, and both are scored
against the original; with random weights the scores mean little, so pass a trained generator for that line.
"""
import argparse, io, json, subprocess, sys, time

import torch
from PIL import Image
from fastai.vision.core import imagenet_stats

from gan_enhance.core import sample_photos
from gan_enhance.enhance import Enhancer, inference_model, cpu_has_amx
from gan_enhance.generator import create_generator, load_generator
from gan_enhance.files import GENERATOR_FILE
from gan_enhance.inference import to_tensor
from gan_enhance.metrics import psnr


def best_of(rounds, functions):
    "Best time of each function over `rounds`, the functions taking turns within each round"
    for f in functions.values(): f()  # warm-up (oneDNN primitive creation, allocations)
    times = {name: [] for name in functions}
    for _ in range(rounds):
        for name, f in functions.items():
            start = time.perf_counter(); f(); times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def degraded(photo):
    "The photo at half size, JPEG quality 30, bicubic back to its size: a realistic input"
    buffer = io.BytesIO()
    photo.resize((photo.width // 2, photo.height // 2), Image.Resampling.BICUBIC).save(buffer, 'JPEG', quality=30)
    return Image.open(buffer).convert('RGB').resize(photo.size, Image.Resampling.BICUBIC)


def peak_memory(width, height, tile):
    "Peak resident memory (MB) above the loaded model, in a fresh process enhancing a width x height image with `tile` px tiles"
    code = f"""
import torch; from PIL import Image; from gan_enhance.enhance import Enhancer; from gan_enhance.generator import create_generator
def status(key): return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(key + ':')) / 1024
torch.manual_seed(0)
image = Image.new('RGB', ({width}, {height}), (120, 80, 40))
enhancer = Enhancer(create_generator(pretrained=False, size=64), device='cpu', tile_size={tile}, overlap=32, batch_size=1, dtype='float32')
open('/proc/self/clear_refs', 'w').write('5')  # reset the peak (VmHWM) to the current resident size
base = status('VmRSS')
enhancer(image)
print(status('VmHWM') - base)
"""
    return float(subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--image', help='photo to enhance (default: the astronaut sample photo resized to 1024x768)')
    parser.add_argument('--generator', help='generator file or run folder (default: random-weight ResNet-34 U-Net)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s choice)')
    parser.add_argument('--memory', action='store_true', help='also measure peak memory against image size with 256 px tiles')
    parser.add_argument('--seams', action='store_true', help='also compare tiled (256 and 512 px, 64 px overlap) with whole-image output')
    parser.add_argument('--json', help='write the figures to this file')
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    photo = Image.open(args.image).convert('RGB') if args.image else \
        Image.open(sample_photos('/tmp/gan_enhance_bench', names=('astronaut',))/'astronaut.jpg').resize((1024, 768), Image.Resampling.BICUBIC)
    torch.manual_seed(0)
    if args.generator:
        path = args.generator if not args.generator.endswith('/') else args.generator[:-1]
        model = load_generator(f'{path}/{GENERATOR_FILE}' if not path.endswith('.pth') else path)[0]
    else: model = create_generator(pretrained=False, size=64).eval()
    source = degraded(photo)
    x = to_tensor(source)
    mean, std = (torch.tensor(s).view(1, 3, 1, 1) for s in imagenet_stats)
    normalised = (x - mean) / std
    folded = inference_model(model, 'cpu')
    normalised_cl = normalised.contiguous(memory_format=torch.channels_last)
    fp32, bf16 = (Enhancer(model, device='cpu', dtype=d) for d in ('float32', 'bfloat16'))
    tiled = Enhancer(model, device='cpu', dtype='float32', tile_size=512, overlap=64)

    def bare():
        with torch.inference_mode(): model(normalised)
    def bare_folded():
        with torch.inference_mode(): folded(normalised_cl)
    def bare_bf16():
        with torch.inference_mode(), torch.autocast('cpu', dtype=torch.bfloat16): folded(normalised_cl)
    times = best_of(args.rounds, {'bare forward (as trained)': bare, 'bare forward (folded, channels-last)': bare_folded,
                                  'enhance fp32': lambda: fp32(source), 'bare forward bf16 (folded, channels-last)': bare_bf16,
                                  'enhance bf16': lambda: bf16(source), 'enhance fp32, 512 px tiles': lambda: tiled(source)})
    megapixels = photo.width * photo.height / 1e6
    print(f"{photo.width}x{photo.height}, {torch.get_num_threads()} threads, AMX: {cpu_has_amx()}, "
          f"generator: {args.generator or 'random ResNet-34 U-Net'}")
    for name, t in times.items(): print(f"  {name:<45} {t:6.2f} s  {megapixels / t:5.3f} MP/s")
    target = to_tensor(photo)
    out32, out16 = to_tensor(fp32(source)), to_tensor(bf16(source))
    figures = dict(
        enhance_vs_bare=times['bare forward (as trained)'] / times['enhance fp32'],
        enhance_vs_folded_bare=times['bare forward (folded, channels-last)'] / times['enhance fp32'],
        bf16_enhance_vs_bf16_bare=times['bare forward bf16 (folded, channels-last)'] / times['enhance bf16'],
        bf16_vs_fp32=times['enhance fp32'] / times['enhance bf16'],
        tiles512_vs_whole=times['enhance fp32'] / times['enhance fp32, 512 px tiles'],
        psnr_input=psnr(x, target).item(), psnr_fp32=psnr(out32, target).item(), psnr_bf16=psnr(out16, target).item(),
        psnr_bf16_vs_fp32_output=psnr(out16, out32).item())
    print(f"  enhance fp32 vs bare forward as trained:        {figures['enhance_vs_bare']:.2f}x   (goal >= 0.85x)")
    print(f"  enhance fp32 vs bare forward, same preparation: {figures['enhance_vs_folded_bare']:.2f}x")
    print(f"  enhance bf16 vs bare bf16 forward:              {figures['bf16_enhance_vs_bf16_bare']:.2f}x")
    print(f"  bf16 vs fp32 (enhance):                         {figures['bf16_vs_fp32']:.2f}x   (goal >= 1.8x)")
    print(f"  512 px tiles vs one tile:                       {figures['tiles512_vs_whole']:.2f}x")
    print(f"  PSNR vs original: input {figures['psnr_input']:.2f} dB, fp32 {figures['psnr_fp32']:.2f} dB, bf16 {figures['psnr_bf16']:.2f} dB "
          f"(gap {figures['psnr_fp32'] - figures['psnr_bf16']:+.3f} dB); bf16 output vs fp32 output: {figures['psnr_bf16_vs_fp32_output']:.1f} dB")
    if args.memory:
        for width, height in [(1024, 768), (2048, 1536)]:
            mb = peak_memory(width, height, 256)
            figures[f'peak_mb_{width}x{height}_tile256'] = mb
            print(f"  peak memory growth, {width}x{height}, 256 px tiles: {mb:.0f} MB")
        whole = peak_memory(1024, 768, 1024)
        figures['peak_mb_1024x768_whole'] = whole
        print(f"  peak memory growth, 1024x768 as one tile: {whole:.0f} MB")
    if args.seams:
        whole = fp32.tensor(x)
        for tile in (256, 512):
            tiled = Enhancer(model, device='cpu', dtype='float32', tile_size=tile, overlap=64).tensor(x)
            difference = (tiled - whole).abs()[0].mean(0)[16:-16, 16:-16]  # away from the image border
            figures[f'seam_psnr_tile{tile}'] = psnr(tiled, whole).item()
            print(f"  tiled ({tile} px, 64 px overlap) vs whole: PSNR {figures[f'seam_psnr_tile{tile}']:.1f} dB, "
                  f"mean |difference| {difference.mean():.5f}, max {difference.max():.4f} (the generator's correction: {(whole - x).abs().mean():.4f})")
    if args.json: open(args.json, 'w').write(json.dumps(figures, indent=2))


if __name__ == '__main__': main()
