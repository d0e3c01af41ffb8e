"""Dye tab, guidance lab: classifier-free guidance on two shapes (issue 45, item 4). One label-conditional point net
trained on the heart (label 0) and 扩 (label 1) with 15% label dropout; for each label, the share of 1,000 particles
inside the chosen shape and their spread (1 = the shape's own) against the guidance scale w (DDIM, 50 steps).

python bench/guidance2d.py [--seconds 20 | --batches 5000] [--seed 0]
Goals (2 cores): trains within 20 s; the inside share rises from w = 0 to w = 1 and falls at large w (overshoot).
"""
from __future__ import annotations

import argparse
import os
import time

from common import save, table

from diffusion_core.lessons import points
from diffusion_core.lessons import points_guidance as pg
from diffusion_core.schedule import NoiseSchedule

PARTICLES = 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--batches", type=int, help="train this many batches instead of for --seconds")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    schedule = NoiseSchedule("linear")
    data, labels = pg.two_shapes(10000, args.seed)
    net = points.PointDenoiser(labels=len(pg.SHAPES))
    wall, cpu = time.perf_counter(), time.process_time()
    for last in pg.train_labelled(net, data, labels, schedule, seconds=args.seconds if args.batches is None else 1e9,
                                  steps=args.batches, seed=args.seed):
        pass
    training = {"batches": last.step, "wall_s": round(time.perf_counter() - wall, 1),
                "cpu_s": round(time.process_time() - cpu, 1), "loss": round(last.loss, 4), "drop": pg.DROP}
    x_T = pg.noise(PARTICLES, args.seed)
    curves, rows = {}, []
    for label, name in enumerate(pg.SHAPES):
        curve = pg.scores_by_weight(net, schedule, label, x_T, data[labels == label])
        curves[name] = [{"w": w, "inside": round(s.inside, 3), "spread": round(s.spread, 3)}
                        for w, s in zip(pg.WEIGHTS, curve)]
        rows.append({"shape": f"{name} inside", **{f"w={w:g}": round(s.inside, 3) for w, s in zip(pg.WEIGHTS, curve)}})
        rows.append({"shape": f"{name} spread", **{f"w={w:g}": round(s.spread, 3) for w, s in zip(pg.WEIGHTS, curve)}})
    print(f"trained {training['batches']} batches in {training['wall_s']} s wall ({training['cpu_s']} s CPU)")
    print(table(rows, ["shape", *(f"w={w:g}" for w in pg.WEIGHTS)]))
    print(f"goal: trains within 20 s on 2 cores; inside share up from w = 0 to 1, down at large w "
          f"(load average {os.getloadavg()[0]:.1f})")
    save("guidance2d", {"seconds": None if args.batches else args.seconds, "batches": args.batches, "seed": args.seed,
                        "steps": pg.STEPS, "particles": PARTICLES, "load_average": round(os.getloadavg()[0], 1),
                        "training": training, "curves": curves})


if __name__ == "__main__":
    main()
