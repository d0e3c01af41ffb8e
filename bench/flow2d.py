"""Dye tab, flow lab: flow matching beside diffusion on 2-D shapes (issue 46). The same MLP, data, budget and seed;
from the same 2,000 noise particles, the share inside the shape and the spread against ODE steps for diffusion's DDIM,
DDIM on flow's noise levels, flow's Euler and the reflowed flow's Euler; each run's bend (path length / distance).

python bench/flow2d.py [--seconds 20 | --batches 5000] [--presets kuo,heart] [--seed 0]
Goals (2 cores): with 4 Euler steps the reflowed flow keeps >= 90% inside where DDIM at 4 steps keeps clearly fewer;
each training <= 20 s. --batches trains a fixed number of batches instead (the same nets on any machine; on a busy
machine a budget in seconds buys fewer batches, so the JSON records batches, wall and CPU seconds of each training).
"""
from __future__ import annotations

import argparse
import os
import time

from common import save, table

from diffusion_core.lessons import points
from diffusion_core.lessons import points_flow as pf
from diffusion_core.schedule import NoiseSchedule

PARTICLES, TOL = 2000, 0.06


def timed(ticks) -> dict:
    """Run a training to its end: its batches, wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    for last in ticks:
        pass
    return {"batches": last.step, "wall_s": round(time.perf_counter() - wall, 1),
            "cpu_s": round(time.process_time() - cpu, 1), "loss": round(last.loss, 5)}


def one_preset(name: str, seconds: float, batches: int | None, seed: int) -> dict:
    schedule = NoiseSchedule("linear")
    mask = points.preset_mask(name)
    data = points.sample_mask(mask, 20000, seed)
    budget = dict(seconds=seconds if batches is None else 1e9, steps=batches, seed=seed)
    nets = {"diffusion": points.PointDenoiser(), "flow": points.PointDenoiser()}
    training = {"diffusion": timed(points.train_points(nets["diffusion"], data, schedule, **budget)),
                "flow": timed(pf.train_flow(nets["flow"], data, **budget))}
    t0 = time.perf_counter()
    student, ticks = pf.reflow(nets["flow"], **budget)
    pairs_s = time.perf_counter() - t0
    training["reflow"] = {**timed(ticks), "pairs_wall_s": round(pairs_s, 1)}
    lab = pf.Lab(nets["diffusion"], nets["flow"], mask, data, reflowed=student)
    x_T = pf.noise(PARTICLES, seed)
    t0 = time.perf_counter()
    runs = {}
    for r in pf.racers(lab):
        sc = pf.scores_by_steps(r, lab, schedule, x_T)
        runs[r] = {"inside": [round(s.inside, 3) for s in sc], "spread": [round(s.spread, 3) for s in sc],
                   "bend": round(pf.straightness(pf.race(r, lab, schedule, x_T, pf.STEP_COUNTS[-1])), 4)}
    return {"preset": name, "training": training, "runs": runs, "measure_wall_s": round(time.perf_counter() - t0, 1)}


def rows_of(result: dict) -> list[dict]:
    at4 = pf.STEP_COUNTS.index(4)
    net = {"ddim": "diffusion", "ddim_flow_levels": "diffusion", "flow": "flow", "reflow": "reflow"}
    out = []
    for r, v in result["runs"].items():
        tr = result["training"][net[r]]
        row = {"preset": result["preset"], "run": r, "batches": tr["batches"], "train_s": tr["wall_s"],
               "spread@4": v["spread"][at4], "bend": v["bend"]}
        row.update({f"in@{n}": s for n, s in zip(pf.STEP_COUNTS, v["inside"])})
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--batches", type=int, help="train this many batches instead of for --seconds")
    ap.add_argument("--presets", default="kuo,heart")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    points.warm_up()                    # as the app does at start-up: the first optimizer's set-up is not training
    results = [one_preset(p, args.seconds, args.batches, args.seed) for p in args.presets.split(",")]
    rows = [row for res in results for row in rows_of(res)]
    print(table(rows, ["preset", "run", "batches", "train_s", *(f"in@{n}" for n in pf.STEP_COUNTS), "spread@4",
                       "bend"]))
    budget = f"{args.batches} batches" if args.batches else f"{args.seconds:.0f} s"
    print(f"goal: reflow in@4 >= 0.90, DDIM in@4 clearly fewer; each training <= 20 s on 2 cores (budget: {budget}, "
          f"tolerance {TOL}, {PARTICLES} particles; load average {os.getloadavg()[0]:.1f})")
    save("flow2d", {"seconds": None if args.batches else args.seconds, "batches": args.batches, "seed": args.seed,
                    "step_counts": list(pf.STEP_COUNTS), "load_average": round(os.getloadavg()[0], 1),
                    "results": results})


if __name__ == "__main__":
    main()
