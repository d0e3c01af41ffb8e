"""Generate digits from the command line.

python -m diffusion_core.sample --model digits --sampler dpmpp2m --steps 20 --n 16 --seed 0 --out d.npy [--grid d.png] [--no-guide]
writes uint8 [N, 28, 28] (0 = black background, 255 = ink, like MNIST).
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from .data import to_uint8
from .samplers import MAX_STEPS, SAMPLERS, sample

MAX_N = 4096


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate images with a shipped model.")
    ap.add_argument("--model", default="digits")
    ap.add_argument("--sampler", default="ddim", choices=sorted(SAMPLERS))
    ap.add_argument("--steps", type=int, help="sampler steps (default: the sampler's own)")
    ap.add_argument("--eta", type=float, default=0.0, help="DDIM only: 0 deterministic, 1 re-noising")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="output .npy file")
    ap.add_argument("--grid", help="also write a PNG grid")
    ap.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    ap.add_argument("--no-guide", action="store_true", help="the nets alone, without the card's guide (autoguidance)")
    args = ap.parse_args(argv)
    if not 1 <= args.n <= MAX_N:
        ap.error(f"--n must be in [1, {MAX_N}]")
    if args.steps is not None and not 1 <= args.steps <= MAX_STEPS:
        ap.error(f"--steps must be in [1, {MAX_STEPS}]")
    from . import pretrained

    try:
        model = pretrained.load(args.model, precision=args.precision)
        model = model.unguided() if args.no_guide else model
    except pretrained.ModelUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    kw = {"eta": args.eta} if args.sampler == "ddim" else {}
    t0 = time.perf_counter()
    x = sample(model, model.schedule, sampler=args.sampler, num_steps=args.steps, shape=(args.n, *model.image_shape),
               seed=args.seed, device=model.device, **kw)
    images = to_uint8(x)
    np.save(args.out, images)
    if args.grid:
        from PIL import Image

        from .media import grid

        Image.fromarray(grid(images, scale=3)).save(args.grid)
    print(f"{args.n} images with {args.sampler} in {time.perf_counter() - t0:.2f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
