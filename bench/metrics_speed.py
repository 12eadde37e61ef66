"""PSNR + SSIM time per image: gan_enhance.metrics (batched torch) against a scikit-image loop, side by side.

    python bench/metrics_speed.py                  # 64 RGB 256x256 crops of the sample photos, JPEG-degraded
    python bench/metrics_speed.py --photos DIR     # crops of any photos (e.g. ../shared/data/benchmarks/BSD100)
    python bench/metrics_speed.py --device cuda    # the torch side on a GPU

Also checks that both give the same values (SSIM to 1e-4).
"""
import argparse, io, random, time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from skimage.metrics import structural_similarity, peak_signal_noise_ratio

from gan_enhance.core import sample_photos, photo_files
from gan_enhance.metrics import psnr, ssim


def crops(folder, n=64, size=256, seed=0):
    "`n` (degraded, original) pairs of random `size` crops of the photos in `folder`, as float32 (N, 3, H, W)"
    rng = random.Random(seed)
    photos = [Image.open(p).convert('RGB') for p in photo_files(folder)]
    photos = [p for p in photos if min(p.size) >= size]
    targets, preds = [], []
    for _ in range(n):
        img = rng.choice(photos)
        x, y = rng.randint(0, img.width - size), rng.randint(0, img.height - size)
        crop = img.crop((x, y, x + size, y + size))
        buffer = io.BytesIO(); crop.save(buffer, 'JPEG', quality=rng.randint(10, 70))
        targets.append(np.asarray(crop)); preds.append(np.asarray(Image.open(buffer).convert('RGB')))
    to_tensor = lambda a: torch.tensor(np.stack(a), dtype=torch.float32).permute(0, 3, 1, 2) / 255
    return to_tensor(preds), to_tensor(targets)


def best_time(f, repeats):
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter(); f(); best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--photos', type=Path, help='folder of photos (default: the sample photos)')
    parser.add_argument('--n', type=int, default=64)
    parser.add_argument('--size', type=int, default=256)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        preds, targets = crops(args.photos or sample_photos(Path(tmp)/'photos'), args.n, args.size)
    n = len(preds)
    p_np, t_np = preds.permute(0, 2, 3, 1).double().numpy(), targets.permute(0, 2, 3, 1).double().numpy()

    def skimage_loop():
        return [(peak_signal_noise_ratio(t, p, data_range=1.0),
                 structural_similarity(p, t, channel_axis=-1, data_range=1.0, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False)) for p, t in zip(p_np, t_np)]
    p_dev, t_dev = preds.to(args.device), targets.to(args.device)
    sync = torch.cuda.synchronize if args.device.startswith('cuda') else (lambda: None)
    def ours():
        with torch.inference_mode():
            result = psnr(p_dev, t_dev), ssim(p_dev, t_dev)
        sync(); return result

    reference = np.array(skimage_loop())
    mine = torch.stack(ours(), 1).cpu().double().numpy()
    ours(); skimage_loop()  # warm up
    t_ref, t_ours = best_time(skimage_loop, args.repeats), best_time(ours, args.repeats)
    print(f"{n} RGB {args.size}x{args.size} images, torch {torch.__version__} on {args.device} ({torch.get_num_threads()} threads)")
    print(f"scikit-image loop : {1000 * t_ref / n:6.2f} ms/img (PSNR + SSIM)")
    print(f"gan_enhance       : {1000 * t_ours / n:6.2f} ms/img (PSNR + SSIM, batched) -> {t_ref / t_ours:.1f}x faster")
    print(f"largest difference: SSIM {np.abs(mine[:, 1] - reference[:, 1]).max():.2e}, PSNR {np.abs(mine[:, 0] - reference[:, 0]).max():.2e} dB")


if __name__ == '__main__': main()
