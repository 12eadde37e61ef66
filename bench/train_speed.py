"""Generator training speed: the fastai Learner against a plain PyTorch loop, and the feature loss against MSE.

    python bench/train_speed.py                       # 128 px, batch 8, CPU
    python bench/train_speed.py --device cuda --amp   # on a GPU, with mixed precision
    python bench/train_speed.py --size 96 --arch xresnet_small --residual --no-last-cross --channels-last   # the `cpu` recipe's generators (xresnet_tiny: the tests')
    python bench/train_speed.py --size 96 --arch resnet18 --residual --no-last-cross --channels-last   # ResNet-18, for comparison

Both sides train the same U-Net (ResNet-34, weight norm, random weights), with the same loss and the same optimiser
(torch's Adam; fastai drives it through OptimWrapper) on the same in-memory batches, without a validation set, so
the difference is fastai's own per-batch overhead (callbacks, recorder). The feature-loss line shows its cost relative to MSE in the plain loop.
"""
import argparse, time
from functools import partial

import torch
from fastai.learner import Learner
from fastai.optimizer import OptimWrapper
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from fastai.losses import MSELossFlat
import fastai.callback.progress  # the progress callbacks every fastai user has (and `Learner.no_bar`)

from gan_enhance.generator import create_generator, FeatureLoss


def batches(n, bs, size, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(bs, 3, size, size, generator=g), torch.randn(bs, 3, size, size, generator=g)) for _ in range(n)]


def plain_loop(model, loss_func, data, device, amp):
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()
    for x, y in data:
        x, y = x.to(device), y.to(device)
        with torch.autocast(device.type, enabled=amp):
            loss = loss_func(model(x), y)
        loss.backward(); opt.step(); opt.zero_grad()
    if device.type == 'cuda': torch.cuda.synchronize()


def fastai_learner(model, loss_func, data, device, amp):
    "A Learner over the same batches (no validation set, so both sides do the same work)"
    items = [(x[i], y[i]) for x, y in data for i in range(len(x))]
    dls = DataLoaders(DataLoader(items, bs=len(data[0][0]), device=device), DataLoader([], bs=1, device=device), device=device)
    learn = Learner(dls, model, loss_func=loss_func, opt_func=partial(OptimWrapper, opt=torch.optim.Adam), lr=1e-4)
    return learn.to_fp16() if amp else learn


def fastai_fit(learn, device):
    with learn.no_logging(), learn.no_bar(): learn.fit(1)
    if device.type == 'cuda': torch.cuda.synchronize()


def timed(f, *args):
    start = time.perf_counter(); f(*args); return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--bs', type=int, default=8)
    parser.add_argument('--batches', type=int, default=6, help='timed batches per measurement')
    parser.add_argument('--repeats', type=int, default=2, help='rounds (the best is kept), the two sides taking turns')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--amp', action='store_true', help='mixed precision (CUDA)')
    parser.add_argument('--no-feature', action='store_true', help='skip the feature-loss measurement')
    parser.add_argument('--arch', default='resnet34', help='backbone of the U-Net')
    parser.add_argument('--residual', action='store_true', help='global residual (ReZero)')
    parser.add_argument('--no-last-cross', action='store_true', help="drop fastai's full-resolution ResBlock")
    parser.add_argument('--channels-last', action='store_true', help='channels-last memory format for model and batches')
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    model = create_generator(args.arch, pretrained=False, size=args.size, residual=args.residual, last_cross=not args.no_last_cross).to(device)
    data = batches(args.batches, args.bs, args.size)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
        data = [(x.contiguous(memory_format=torch.channels_last), y.contiguous(memory_format=torch.channels_last)) for x, y in data]
    mse = MSELossFlat()
    learn = fastai_learner(model, mse, data, device, args.amp)
    plain_loop(model, mse, data[:1], device, args.amp); fastai_fit(fastai_learner(model, mse, data[:1], device, args.amp), device)  # warm up
    t_plain, t_fastai = float('inf'), float('inf')
    for _ in range(args.repeats):
        t_plain = min(t_plain, timed(plain_loop, model, mse, data, device, args.amp))
        t_fastai = min(t_fastai, timed(fastai_fit, learn, device))
    n = args.batches * args.bs
    print(f"U-Net {args.arch}{' residual' if args.residual else ''}{' no last_cross' if args.no_last_cross else ''}{' channels-last' if args.channels_last else ''}, {args.size} px, batch {args.bs}, {device}{' AMP' if args.amp else ' fp32'}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"plain PyTorch loop : {n / t_plain:6.2f} img/s (MSE)")
    print(f"fastai Learner     : {n / t_fastai:6.2f} img/s (MSE) -> overhead {100 * (t_fastai / t_plain - 1):+.1f}%")
    if not args.no_feature:
        feature = FeatureLoss(pretrained=False).to(device)
        plain_loop(model, feature, data[:1], device, args.amp)
        t_feature = min(timed(plain_loop, model, feature, data, device, args.amp) for _ in range(args.repeats))
        print(f"feature loss       : {n / t_feature:6.2f} img/s (plain loop) -> {t_feature / t_plain:.2f}x the time of MSE")


if __name__ == '__main__': main()
