"""Quality of generated digits (diffusion_core.quality), per sampler at its default steps.

python bench/quality.py [--n 256] [--samplers ddim,dpmpp2m] [--precision auto|fp32|bf16] [--compare-precision]
Goals (DDIM, 50 steps, 256 digits): confident >= 0.95, balance >= 0.97, Frechet <= 3x the real
reference, near-copies <= 2%.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from common import ROOT, save, table

from diffusion_core import pretrained
from diffusion_core.data import to_uint8
from diffusion_core.device import cpu_has_bf16
from diffusion_core.export import card_quality, write_card
from diffusion_core.quality import as_dict, evaluate
from diffusion_core.samplers import SAMPLERS, sample

GOALS = {"confident": 0.95, "balance": 0.97, "frechet_ratio": 3.0, "near_copies": 0.02}


def generate(model, name: str, steps: int, n: int, seed: int) -> tuple[np.ndarray, float]:
    """N digits uint8 [N, 28, 28] from one sampler, and the seconds it took."""
    t0 = time.perf_counter()
    x = sample(model, model.schedule, sampler=name, num_steps=steps, shape=(n, 1, 28, 28), seed=seed)
    return to_uint8(x), time.perf_counter() - t0


def score(name: str, steps: int, digits: np.ndarray, secs: float, seed: int) -> dict:
    """A table row of diffusion_core.quality's figures for one sampler's digits."""
    q = as_dict(evaluate(digits))
    q.pop("class_counts")
    return {"sampler": name, "steps": steps, "nfe": SAMPLERS[name].nfe(steps), **q,
            "frechet_ratio": q["frechet"] / q["frechet_real"], "s/image": secs / len(digits), "seed": seed}


def measure(model, name: str, steps: int, n: int, seed: int) -> dict:
    return score(name, steps, *generate(model, name, steps, n, seed), seed)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    ap.add_argument("--compare-precision", action="store_true", help="DDIM 50 in fp32 and in bf16")
    ap.add_argument("--card", action="store_true", help="rewrite the quality entry of assets/digits.json")
    args = ap.parse_args()
    model = pretrained.load("digits", device="cpu", precision=args.precision)
    rows = [measure(model, s, SAMPLERS[s].default_steps, args.n, args.seed) for s in args.samplers.split(",")]
    if args.compare_precision and not cpu_has_bf16():
        print("this CPU has no native bf16 (emulated, it is 25x slower): --compare-precision skipped")
    elif args.compare_precision:
        for prec in ("fp32", "bf16"):
            r = measure(pretrained.load("digits", device="cpu", precision=prec), "ddim", 50, args.n, args.seed)
            rows.append({**r, "sampler": f"ddim ({prec})"})
    cols = ["sampler", "steps", "nfe", "confident", "balance", "frechet", "frechet_real", "frechet_ratio",
            "near_copies", "s/image"]
    print(table(rows, cols))
    print(f"\ngoals (ddim 50): {GOALS}")
    print("->", save("quality", {"n": args.n, "rows": rows, "goals": GOALS}))
    if args.card:                                  # e.g. after a new classifier: the same figures the export writes
        card_path = ROOT / "assets" / "digits.json"
        write_card(card_path, {**model.card, "quality": card_quality(model)})
        print("->", card_path)


if __name__ == "__main__":
    main()
