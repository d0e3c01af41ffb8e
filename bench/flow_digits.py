"""Quality of the flow-matching digits net against network calls (Euler and Heun on its straight paths).

python bench/flow_digits.py [--model digits_flow] [--n 256] [--seed 1] [--nfe 5,10,20,50,100] [--heun 9,19]
Each point: diffusion_core.quality's figures on N digits from one seed. Goals (issue #46): Frechet at 10 calls
within 1.3x of its own 100-call figure; Euler 50 (the DDIM-equivalent) meets the digits goals of bench/quality.py
(confident >= 0.95, balance >= 0.97). Writes bench/results/flow_digits.json.
"""
from __future__ import annotations

import argparse
import time

from common import save, table

from diffusion_core import pretrained
from diffusion_core.data import to_uint8
from diffusion_core.flow import flow_sample
from diffusion_core.quality import GOALS, as_dict, evaluate

RESULT = "flow_digits"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="digits_flow")
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nfe", default="5,10,20,50,100", help="Euler's network calls (one a step)")
    ap.add_argument("--heun", default="9,19", help="Heun's network calls (2N - 1 for N steps)")
    args = ap.parse_args()
    model = pretrained.load(args.model, device="cpu")
    plan = [("euler", int(c), int(c)) for c in args.nfe.split(",")]
    plan += [("heun", (int(c) + 1) // 2, int(c)) for c in args.heun.split(",") if c]
    rows = []
    for sampler, steps, calls in plan:
        t0 = time.perf_counter()
        x = flow_sample(model, sampler=sampler, num_steps=steps, shape=(args.n, *model.image_shape), seed=args.seed)
        q = as_dict(evaluate(to_uint8(x)))
        rows.append({"sampler": sampler, "steps": steps, "nfe": calls, **{k: q[k] for k in (
            "confident", "balance", "frechet", "frechet_real", "near_copies")}, "seconds": time.perf_counter() - t0})
        print(table(rows[-1:], list(rows[-1])), flush=True)
    by = {(r["sampler"], r["nfe"]): r for r in rows}
    goals = {}
    if ("euler", 10) in by and ("euler", 100) in by:
        goals["frechet_10_over_100"] = by[("euler", 10)]["frechet"] / by[("euler", 100)]["frechet"]
        goals["frechet_10_within_1.3x"] = goals["frechet_10_over_100"] <= 1.3
    if ("euler", 50) in by:
        e50 = by[("euler", 50)]
        goals["euler_50_meets_digits_goals"] = e50["confident"] >= GOALS["confident"] and e50["balance"] >= GOALS["balance"]
    print(table(rows, ["sampler", "steps", "nfe", "confident", "balance", "frechet", "frechet_real", "seconds"]))
    print(goals)
    save(RESULT, {"model": args.model, "sha256": model.sha256, "n": args.n, "seed": args.seed, "rows": rows,
                  "goals": goals})


if __name__ == "__main__":
    main()
