"""Where does the digits model go wrong? The ideal denoiser takes the noisy steps, the model the rest.

python bench/ideal.py [--n 256] [--taus 999,900,700,500,300,-1]
DDIM 50 steps, one seed. tau = 999: the model alone; tau = -1: the ideal denoiser of the 5,000
training digits alone (it can only copy them: the ceiling of bench/quality.py's figures, and what a
network that fitted its training loss exactly would do). In between, the model takes over at t <= tau
from an x_t the ideal denoiser led there: if quality drops, the model's steps below tau lose it.
"""
from __future__ import annotations

import argparse

from common import save, table

from diffusion_core.ideal import hybrid
from diffusion_core.lessons.denoise import ideal_digits
from diffusion_core.models import pretrained
from diffusion_core.models.data import to_uint8
from diffusion_core.models.quality import GOALS, as_dict, evaluate
from diffusion_core.samplers import sample


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--taus", default="999,900,700,500,300,-1")
    args = ap.parse_args()
    model = pretrained.load("digits", device="cpu")
    ideal = ideal_digits(model.schedule)
    rows = []
    for tau in map(float, args.taus.split(",")):
        x = sample(hybrid(ideal, model, tau), model.schedule, sampler="ddim", num_steps=50,
                   shape=(args.n, 1, 28, 28), seed=args.seed)
        q = as_dict(evaluate(to_uint8(x)))
        q.pop("class_counts")
        who = "model alone" if tau >= 999 else "ideal alone" if tau < 0 else f"ideal above {tau:.0f}, model below"
        rows.append({"tau": tau, "steps": who, **q, "frechet_ratio": q["frechet"] / q["frechet_real"]})
    print(table(rows, ["tau", "steps", "confident", "balance", "frechet", "frechet_real", "frechet_ratio", "near_copies"]))
    print(f"\ngoals (ddim 50, model alone): {GOALS}")
    print("->", save("ideal", {"n": args.n, "seed": args.seed, "model_sha256": model.sha256, "rows": rows}))


if __name__ == "__main__":
    main()
