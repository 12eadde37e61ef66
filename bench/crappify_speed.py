"""Crappify throughput: `crappify_folder` against a bare PIL pool doing the same work, side by side.

    python bench/crappify_speed.py                     # 200 photos of about 500x375 cut from the sample photos
    python bench/crappify_speed.py --photos DIR        # or any folder of photos (e.g. ../shared/data/benchmarks/BSD100)

Both sides read each JPEG, downscale it to a 96 px shorter side (bilinear), write its JPEG quality in white in the
top-left quadrant, save it as JPEG at that quality and copy the original as the target (the `lesson7` preset).
Reports images/s for 1 and for all workers, the ratio to the bare loop and the scaling from 1 worker to all.
"""
import argparse, random, shutil, tempfile, time
from multiprocessing import Pool
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gan_enhance.core import sample_photos, photo_files
from gan_enhance.crappify import crappify_folder


def make_photos(dest:Path, n:int=200, seed:int=0)->Path:
    "`n` JPEGs of about 500x375, cut and scaled from the sample photos"
    rng = random.Random(seed)
    samples = [Image.open(p).convert('RGB') for p in photo_files(sample_photos(dest/'_samples'))]
    for i in range(n):
        img = rng.choice(samples)
        w, h = rng.randint(470, 530), rng.randint(350, 400)
        scale = max(w / img.width, h / img.height) * rng.uniform(1.0, 1.3)
        big = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BILINEAR)
        x, y = rng.randint(0, big.width - w), rng.randint(0, big.height - h)
        big.crop((x, y, x + w, y + h)).save(dest/f'{i:04d}.jpg', quality=90)
    shutil.rmtree(dest/'_samples')
    return dest


_FONT = ImageFont.load_default()  # loaded once per process, as crappify does


def bare_one(args):
    "The lesson 7 crappifier as a plain function (the baseline)"
    path, src, dest, seed = args
    rng = random.Random(f'{seed}:{path}')
    img = Image.open(src/path).convert('RGB')
    w, h = img.size
    size = (96, round(h * 96 / w)) if w <= h else (round(w * 96 / h), 96)
    img = img.resize(size, Image.Resampling.BILINEAR)
    q = rng.randint(10, 70)
    ImageDraw.Draw(img).text((rng.randint(0, size[0] // 2), rng.randint(0, size[1] // 2)), str(q), fill=(255, 255, 255),
                             font=_FONT)
    (dest/'lr').mkdir(parents=True, exist_ok=True); (dest/'hr').mkdir(parents=True, exist_ok=True)
    img.save(dest/'lr'/path, quality=q)
    shutil.copyfile(src/path, dest/'hr'/path)


def bare_pool(src, dest, n_workers, chunksize):
    items = [(p.name, src, dest, 42) for p in photo_files(src)]
    with Pool(n_workers) as pool: pool.map(bare_one, items, chunksize=chunksize)


def timed(fs, repeats):
    "Best wall time of each of `fs` over `repeats` rounds, the functions taking turns so that both see the same machine"
    best = [float('inf')] * len(fs)
    for _ in range(repeats):
        for i, f in enumerate(fs):
            start = time.perf_counter(); f(); best[i] = min(best[i], time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--photos', type=Path, help='folder of photos (default: 200 made from the sample photos)')
    parser.add_argument('--n', type=int, default=200, help='how many photos to make when --photos is not given')
    parser.add_argument('--repeats', type=int, default=7, help='runs per measurement (the best is kept)')
    parser.add_argument('--workers', type=int, default=None, help='"all cores" worker count (default: all)')
    args = parser.parse_args()
    import os
    all_workers = args.workers or os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = args.photos or make_photos((tmp/'photos').resolve(), args.n)
        n = len(photo_files(src))
        print(f"{n} photos from {src}; lesson7 preset; best of {args.repeats}")
        rows = []
        for workers in sorted({1, all_workers}):
            chunksize = max(1, min(64, n // (workers * 8)))
            def ours():
                shutil.rmtree(tmp/'ours', ignore_errors=True)
                crappify_folder(src, tmp/'ours', preset='lesson7', n_workers=workers, progress=False)
            def bare(): shutil.rmtree(tmp/'bare', ignore_errors=True); bare_pool(src, tmp/'bare', workers, chunksize)
            t_bare, t_ours = timed([bare, ours], args.repeats)
            rows.append((workers, n / t_bare, n / t_ours))
            print(f"{workers} worker(s): bare PIL pool {n / t_bare:7.1f} img/s | crappify_folder {n / t_ours:7.1f} img/s | ratio {t_bare / t_ours:.2f}x")
        if len(rows) > 1:
            print(f"scaling 1 -> {rows[-1][0]} workers: bare {rows[-1][1] / rows[0][1]:.2f}x, crappify_folder {rows[-1][2] / rows[0][2]:.2f}x")


if __name__ == '__main__': main()
