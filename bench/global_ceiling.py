"""How much of the global colour damage can a model read from the degraded photo? Held-out training photos only.

    python bench/global_ceiling.py TRAIN                 # TRAIN: a folder of photos (here ../shared/data/train/BSDS400)
    python bench/global_ceiling.py TRAIN --draws 12 --curve 45 90 180

Every tenth photo (sorted by name) is held out; each other photo is degraded `--draws` times with the preset (fresh
draws of every parameter), each held-out one 4 times. On the held-out draws, at full resolution, the PSNR gain over the
input of a per-channel gain and offset chosen by:

- `oracle`: the best one for that photo (least squares against its target): what a perfect global branch would gain;
- `ridge`: the global-statistics baseline's model (`04d_baseline`: ridge regression on the 74 standardised statistics);
- `mlp`, `gbm`: nonlinear models of the same statistics (scikit-learn's MLP and gradient-boosted trees),

and, with `--curve`, the ridge and gbm gains when they are fitted on fewer training photos (the mean of 3 random subsets):
whether more photos of the same kind would move the global part.
"""
import argparse
from pathlib import Path

import numpy as np
from fastcore.parallel import parallel
from PIL import Image
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from gan_enhance.baseline import colour_sample
from gan_enhance.core import photo_files
from gan_enhance.crappify import Crappifier
from gan_enhance.inference import to_tensor, upscale


def draw(item:tuple, crappifier:Crappifier, full:bool)->dict:
    "Draw `k` of a photo's degradations (`item`: path, k): its statistics and best gain and offset (on 128 px copies, as the baseline's fit), and the full-size pair if `full`"
    path, k = item
    high = Image.open(path).convert('RGB')
    low, high = crappifier(high, f'ceiling:{path.name}:{k}')
    low, high = to_tensor(upscale(low, high.size)), to_tensor(high)
    stats, fit = colour_sample(low, high)
    out = dict(photo=path.name, stats=stats[0].numpy(), fit=fit[0].numpy())
    return {**out, **(dict(low=low[0].numpy(), high=high[0].numpy()) if full else {})}


def psnr(a, b): return 10 * np.log10(1 / ((a - b) ** 2).mean())


def gain(predicted:np.ndarray, held:list)->float:
    "Mean PSNR gain over the input of each held-out draw's input through its predicted gain and offset"
    return float(np.mean([psnr(np.clip(y[:3, None, None] * d['low'] + y[3:, None, None], 0, 1), d['high']) - psnr(d['low'], d['high'])
                          for y, d in zip(predicted, held)]))


def ridge(X, Y, Xh): scale = StandardScaler().fit(X); return Ridge(alpha=100.0).fit(scale.transform(X), Y).predict(scale.transform(Xh))
def mlp(X, Y, Xh):
    scale = StandardScaler().fit(X)
    model = MLPRegressor(hidden_layer_sizes=(256, 256), alpha=1.0, max_iter=500, early_stopping=True, random_state=0)
    return model.fit(scale.transform(X), Y).predict(scale.transform(Xh))
def gbm(X, Y, Xh):
    return np.stack([HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, random_state=0).fit(X, Y[:, j]).predict(Xh) for j in range(Y.shape[1])], 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('train', help='folder of training photos (never the benchmark sets)')
    parser.add_argument('--preset', default='seed', help='crappify preset')
    parser.add_argument('--draws', type=int, default=12, help='degradations of each training photo')
    parser.add_argument('--curve', type=int, nargs='*', default=[], help='also fit ridge and gbm on this many training photos')
    args = parser.parse_args()
    photos = list(photo_files(args.train)); held_photos, train_photos = photos[::10], [p for i, p in enumerate(photos) if i % 10]
    crappifier = Crappifier.from_preset(args.preset)
    train = parallel(draw, [(p, k) for p in train_photos for k in range(args.draws)], crappifier=crappifier, full=False, n_workers=2, progress=True)
    held = parallel(draw, [(p, k) for p in held_photos for k in range(4)], crappifier=crappifier, full=True, n_workers=2, progress=True)
    X, Y, Xh = np.stack([d['stats'] for d in train]), np.stack([d['fit'] for d in train]), np.stack([d['stats'] for d in held])
    print(f"{len(train_photos)} training photos x {args.draws} draws, {len(held_photos)} held-out photos x 4 draws, preset {args.preset}")
    print(f"PSNR gain over the input on the held-out draws (dB): oracle {gain(np.stack([d['fit'] for d in held]), held):+.2f}, "
          + ', '.join(f"{name} {gain(fit(X, Y, Xh), held):+.2f}" for name, fit in dict(ridge=ridge, mlp=mlp, gbm=gbm).items()))
    names, rng = np.array([d['photo'] for d in train]), np.random.default_rng(0)
    for n in args.curve:
        subsets = [np.isin(names, rng.permutation([p.name for p in train_photos])[:n]) for _ in range(3)]
        print(f"fitted on {n} photos: " + ', '.join(f"{name} {np.mean([gain(fit(X[s], Y[s], Xh), held) for s in subsets]):+.2f}"
                                                   for name, fit in dict(ridge=ridge, gbm=gbm).items()))


if __name__ == '__main__':
    main()
