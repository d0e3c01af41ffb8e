"""Quality against network calls for every sampler: writes assets/quality_vs_steps.json and a PNG (for another model:
assets/quality_vs_steps_NAME.*), the Compare tab's chart.

python bench/quality_vs_steps.py [--model digits|digits_student|digits_flow] [--n 512] [--seed 1] [--nfe 5,10,20,50,100]
Each point: bench/quality.py's figures on N digits, all from the same seed. DDPM is also run at 1000. The flow net
(digits_flow) runs its own ODE solvers, flow_euler and flow_heun, at the same network calls.
Sampling takes about an hour on 2 cores with bf16, 1 h 45 min in fp32 on an AVX2-only CPU (6.25 ms a digit a call); every point's
digits are kept in bench/results/quality_vs_steps.digits.npz (for this model's sha256, N and seed), so a rerun after an
interruption goes on where it stopped, and a new classifier only rescores them (about 5 s a point, two minutes in all).
--sample-only fills that cache without scoring (e.g. while a new classifier is being trained).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from common import RESULTS, table
from quality import generate, score

from diffusion_core.lessons.compare import METHODS
from diffusion_core.models import pretrained
from diffusion_core.models.quality import GOALS, classifier_id, steps_curve_file


def digits_cache(name: str) -> Path:
    """Every point's digits, for one model (its sha256), N and seed."""
    return RESULTS / ("quality_vs_steps.digits.npz" if name == "digits" else f"quality_vs_steps.{name}.digits.npz")


def steps_for(name: str, nfe: int) -> int:
    """Sampler steps that cost ``nfe`` network calls (Heun: 2N - 1)."""
    return max(1, (nfe + 1) // 2) if name.endswith("heun") else nfe


def load_digits(cache: Path, key: str) -> dict[str, np.ndarray]:
    """Every kept point's digits (and seconds) if the cache holds this key (model sha256, N, seed; a flow net's grid
    shift), else none."""
    kept = dict(np.load(cache)) if cache.is_file() else {}
    return kept if str(kept.get("key", "")) == key else {"key": np.array(key)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="digits", choices=["digits", "digits_student", "digits_flow"])
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nfe", default="5,10,20,50,100")
    ap.add_argument("--sample-only", action="store_true", help="fill the digit cache, score nothing (no classifier needed)")
    args = ap.parse_args()
    model = pretrained.load(args.model, device="cpu").unguided()     # as the Compare tab races them: the nets alone
    out, cache = steps_curve_file(args.model), digits_cache(args.model)
    flow = model.objective == "flow"
    methods = [m for m in METHODS if METHODS[m].flow == flow]
    plan = [(name, steps_for(name, nfe)) for name in methods for nfe in map(int, args.nfe.split(","))]
    if not flow:
        plan.append(("ddpm", 1000))
    key = f"{model.sha256}:{args.n}:{args.seed}" + (f":shift {model.time_shift}" if flow else "")
    kept = load_digits(cache, key)
    rows = []
    t0 = time.perf_counter()
    for name, steps in plan:
        cell = f"{name}:{steps}"
        new = cell not in kept
        if new:                     # sampling is the slow part; scoring is redone every time
            digits, secs = generate(model, name, steps, args.n, args.seed)
            kept.update({cell: digits, cell + ":s": np.array(secs)})
            RESULTS.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(cache, **kept)
        if args.sample_only:
            print(f"{name:8s} {steps:5d} steps  {'sampled' if new else 'kept'}  ({time.perf_counter() - t0:.0f} s)", flush=True)
            continue
        row = score(name, steps, kept[cell], float(kept[cell + ":s"]), args.seed)
        row.pop("s/image")              # a long run shares the CPU with other work: speed is bench/samplers.py's
        rows.append(row)
        print(f"{name:8s} {steps:5d} steps  frechet {rows[-1]['frechet']:.2f}  ({time.perf_counter() - t0:.0f} s)", flush=True)
    if args.sample_only:
        print("->", cache)
        return
    floor = rows[0]["frechet_real"]
    payload = {"n": args.n, "seed": args.seed, "when": time.strftime("%Y-%m-%d"), "frechet_real": floor,
               "how": f"python bench/quality_vs_steps.py --model {args.model}; figures of diffusion_core.models.quality",
               "model_sha256": model.sha256, "classifier": classifier_id(),
               "rows": rows}
    if flow:
        payload["time_shift"] = model.time_shift            # its solvers' grid: flow.shifted_grid(steps, shift)
        payload["goals"] = flow_goals(rows)
        print(payload["goals"])
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(table(rows, ["sampler", "steps", "nfe", "confident", "balance", "frechet", "near_copies"]))
    plot(rows, floor, out.with_suffix(".png"))
    print("->", out)


def flow_goals(rows: list[dict]) -> dict:
    """Issue #46's goals for a flow net, on the net alone (as the Compare tab races it): Frechet at about 10 network
    calls (Euler 10, Heun 5 steps = 9 calls) within 1.3x of the same solver's 100-call figure (Euler 100, Heun 99).
    The other goal, Euler 50 meeting the digits goals, is the served model's (with its card's guide):
    bench/quality.py --model digits_flow; here the net alone's Euler 50 for reference."""
    by = {(r["sampler"], r["nfe"]): r for r in rows}
    goals = {}
    for solver, few, many in (("flow_euler", 10, 100), ("flow_heun", 9, 99)):
        if (solver, few) in by and (solver, many) in by:
            ratio = by[(solver, few)]["frechet"] / by[(solver, many)]["frechet"]
            goals[f"{solver}_{few}_over_{many}"] = ratio
    if goals:
        goals["about_10_calls_within_1_3x"] = min(goals.values()) <= 1.3
    if (e50 := by.get(("flow_euler", 50))) is not None:
        goals["net_alone_euler_50_meets_digits_goals"] = (e50["confident"] >= GOALS["confident"]
                                                          and e50["balance"] >= GOALS["balance"])
    return goals


def plot(rows: list[dict], floor: float, path: Path) -> None:
    from diffusion_core.media.plots import new_figure

    fig, ax = new_figure(6, 3.5)
    for name, method in METHODS.items():
        pts = sorted((r["nfe"], r["frechet"]) for r in rows if r["sampler"] == name)
        if pts:
            ax.plot(*zip(*pts), marker="o", label=method.label)
    ax.axhline(floor, color="grey", ls="--", label="real digits (floor)")
    ax.set_xscale("log")
    ax.set_yscale("log")                                    # 5 calls can be 10x worse than 10 calls
    ax.set_xlabel("network calls (NFE)")
    ax.set_ylabel("Fréchet distance")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
