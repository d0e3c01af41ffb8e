"""Generate digits from the command line.

python -m diffusion_core.models.sample --model digits --sampler dpmpp2m --steps 20 --n 16 --seed 0 --out d.npy [--grid d.png] [--no-guide]
python -m diffusion_core.models.sample --model digits_cond --label 3 --guidance 3.0 [--negative 8] --sampler dpmpp2m --out d.npy
writes uint8 [N, 28, 28] (0 = black background, 255 = ink, like MNIST).
"""
from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from ..samplers import MAX_STEPS, SAMPLERS, sample
from .data import to_uint8

MAX_N = 4096
MAX_GUIDANCE = 20.0


def label_guided(model, label: int | None, guidance: float | None, negative: int | None, every_step: bool = False):
    """A class-conditional model guided for ``label`` at scale ``guidance`` (default: its bundle's), away from
    ``negative``, on the bundle's interval of timesteps (or at every step); an unconditional model as it is (asking it
    for a label is an error)."""
    classes = model.num_classes
    if not classes:
        if label is not None or guidance is not None or negative is not None:
            raise ValueError(f"{model.name} is not class-conditional: --label, --guidance and --negative need one")
        return model
    from ..guidance import LabelGuided

    for name, v in (("--label", label), ("--negative", negative)):
        if v is not None and not 0 <= v < classes:
            raise ValueError(f"{name} must be in [0, {classes - 1}], got {v}")
    shipped = model.figures("guidance")
    w = shipped.get("weight", 1.0) if guidance is None else guidance
    if not (math.isfinite(w) and 0 <= w <= MAX_GUIDANCE):
        raise ValueError(f"--guidance must be in [0, {MAX_GUIDANCE}], got {w}")
    interval = None if every_step or "interval" not in shipped else tuple(shipped["interval"])
    return LabelGuided(model.eps, classes, label, w, negative, interval)


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
    ap.add_argument("--no-guide", action="store_true", help="the nets alone, without the bundle's guide (autoguidance)")
    ap.add_argument("--label", type=int, help="a class-conditional model: the class to draw (default: no condition)")
    ap.add_argument("--guidance", type=float, help="classifier-free guidance scale w (default: the bundle's)")
    ap.add_argument("--negative", type=int, help="a class-conditional model: the class to steer away from")
    ap.add_argument("--guide-every-step", action="store_true", help="guidance at every step, not only on the bundle's "
                    "interval of timesteps")
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
    schedule, device, shape, shift = model.schedule, model.device, model.image_shape, model.time_shift
    try:
        model = label_guided(model, args.label, args.guidance, args.negative, args.guide_every_step)
    except ValueError as e:
        ap.error(str(e))
    kw = {"eta": args.eta} if "eta" in SAMPLERS[args.sampler].options else {}
    t0 = time.perf_counter()
    if getattr(model, "objective", "eps") == "flow":
        from ..flow import FLOW_SAMPLERS, flow_sample

        if args.sampler not in FLOW_SAMPLERS:
            ap.error(f"{args.model} is a flow-matching model: --sampler {' or '.join(sorted(FLOW_SAMPLERS))}")
        x = flow_sample(model, sampler=args.sampler, num_steps=args.steps or 50, shape=(args.n, *shape),
                        seed=args.seed, device=device, shift=shift)
    else:
        x = sample(model, schedule, sampler=args.sampler, num_steps=args.steps, shape=(args.n, *shape),
                   seed=args.seed, device=device, **kw)
    images = to_uint8(x)
    np.save(args.out, images)
    if args.grid:
        from PIL import Image

        from ..media.frames import grid

        Image.fromarray(grid(images, scale=3)).save(args.grid)
    print(f"{args.n} images with {args.sampler} in {time.perf_counter() - t0:.2f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
