"""Quality of generated digits (diffusion_core.quality), per sampler at its default steps.

python bench/quality.py [--n 256] [--samplers ddim,dpmpp2m] [--precision auto|fp32|bf16] [--compare-precision]
Goals (DDIM, 50 steps, 256 digits): confident >= 0.95, balance >= 0.97, Frechet <= 3x the real
reference, near-copies <= 2%.
"""
from __future__ import annotations

import argparse
import time

from common import save, table

from diffusion_core import pretrained
from diffusion_core.data import to_uint8
from diffusion_core.quality import as_dict, evaluate
from diffusion_core.samplers import SAMPLERS, sample

GOALS = {"confident": 0.95, "balance": 0.97, "frechet_ratio": 3.0, "near_copies": 0.02}


def measure(model, name: str, steps: int, n: int, seed: int) -> dict:
    t0 = time.perf_counter()
    x = sample(model, model.schedule, sampler=name, num_steps=steps, shape=(n, 1, 28, 28), seed=seed)
    secs = time.perf_counter() - t0
    q = as_dict(evaluate(to_uint8(x)))
    q.pop("class_counts")
    return {"sampler": name, "steps": steps, "nfe": SAMPLERS[name].nfe(steps), **q,
            "frechet_ratio": q["frechet"] / q["frechet_real"], "s/image": secs / n, "seed": seed}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    ap.add_argument("--compare-precision", action="store_true", help="DDIM 50 in fp32 and in bf16")
    args = ap.parse_args()
    model = pretrained.load("digits", device="cpu", precision=args.precision)
    rows = [measure(model, s, SAMPLERS[s].default_steps, args.n, args.seed) for s in args.samplers.split(",")]
    if args.compare_precision:
        for prec in ("fp32", "bf16"):
            r = measure(pretrained.load("digits", device="cpu", precision=prec), "ddim", 50, args.n, args.seed)
            rows.append({**r, "sampler": f"ddim ({prec})"})
    cols = ["sampler", "steps", "nfe", "confident", "balance", "frechet", "frechet_real", "frechet_ratio",
            "near_copies", "s/image"]
    print(table(rows, cols))
    print(f"\ngoals (ddim 50): {GOALS}")
    print("->", save("quality", {"n": args.n, "rows": rows, "goals": GOALS}))


if __name__ == "__main__":
    main()
