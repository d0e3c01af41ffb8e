"""Classifier-free guidance on the class-conditional digits net: what the scale w buys and costs.

python bench/guidance.py [--model digits_cond] [--per-class 64] [--ws 0,1,2,3,5,8] [--samplers dpmpp2m:20,ddim:25]
                         [--interval 500:750] [--seed 0] [--card] | --card-only
For each sampler and w, guidance at every step (the textbook formula the Steer tab shows): label accuracy and
confident share (the project's digit classifier), per-class diversity (mean pairwise distance of classifier features,
beside real digits') and per-class Frechet distance. Then the shipped guidance: the best w guiding only the timesteps
in --interval (Kynkaenniemi et al. 2024), the same figures. Then the unconditional answer as served (no label,
w = 0: asked without a label, with the bundle's guide) against the digits goals of bench/quality.py, and the time of
16 guided digits (one call of 32 a step; on the interval only, 32 there and 16 elsewhere) against 16 from the net
alone (one call of 16) in the same run. Writes bench/results/guidance.json,
which the Steer tab's chart reads; --card writes the shipped w, interval and figures on the served bundle.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

import numpy as np
import torch
from common import RESULTS, ROOT, save, table

from bench.quality import in_chunks
from diffusion_core.guidance import LabelGuided
from diffusion_core.models import pretrained
from diffusion_core.models.bundles import bundle_file, write_figures
from diffusion_core.models.data import to_uint8
from diffusion_core.models.quality import GOALS, as_dict, evaluate, label_figures, meets_goals
from diffusion_core.samplers import sample

RESULT = "guidance"


def chunked(model, size: int = 64):
    """A LabelGuided on at most ``size`` images a call (2 x size stacked), for big batches."""
    def eps(x: torch.Tensor, t: torch.Tensor):
        parts = [model(x[i:i + size], t[i:i + size]) for i in range(0, len(x), size)]
        return type(parts[0])(torch.cat([p.eps for p in parts]), ())
    return eps


def draw(model, labels: np.ndarray, w: float, sampler: str, steps: int, seed: int,
         interval: tuple[float, float] | None = None) -> np.ndarray:
    """Digits uint8 [N, 28, 28] for ``labels`` [N] at scale w: one run per label, the same seed for each."""
    out = []
    for c in np.unique(labels):
        n = int((labels == c).sum())
        guided = LabelGuided(model.eps, model.num_classes, int(c), w, interval=interval)
        x = sample(chunked(guided), model.schedule, sampler=sampler, num_steps=steps, shape=(n, 1, 28, 28), seed=seed)
        out.append(to_uint8(x))
    return np.concatenate(out)


def timing(model, interval: tuple[float, float], repeats: int = 3) -> dict:
    """Seconds for 16 digits, DPM-Solver++ 20 steps: guided (label 3, w = 3) at every step and on the interval only,
    against the net alone (one call of 16 a step, without the bundle's guide of its unconditional answer), best of N;
    and the unconditional answer as served."""
    every = LabelGuided(model.eps, model.num_classes, 3, 3.0)
    best = {}
    for key, m in (("unguided", model.unguided().eps), ("guided", every),
                   ("guided_interval", replace(every, interval=interval)), ("unconditional_served", model.eps)):
        secs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            sample(m, model.schedule, sampler="dpmpp2m", num_steps=20, shape=(16, 1, 28, 28), seed=0)
            secs.append(time.perf_counter() - t0)
        best[key] = min(secs)
    return {**best, "ratio": best["guided"] / best["unguided"],
            "ratio_interval": best["guided_interval"] / best["unguided"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="digits_cond")
    ap.add_argument("--per-class", type=int, default=64)
    ap.add_argument("--ws", default="0,1,2,3,5,8")
    ap.add_argument("--samplers", default="dpmpp2m:20,ddim:25")
    ap.add_argument("--interval", default="500:750", help="the shipped guidance's timesteps lo:hi")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--card", action="store_true", help="write the w where quality peaks (lowest per-class Frechet "
                    "distance) and its figures on the served bundle as the shipped default")
    ap.add_argument("--card-only", action="store_true", help="write the bundle's figures from bench/results/guidance.json, "
                    "measuring nothing")
    args = ap.parse_args()
    if args.card_only:
        write_guidance_card(args.model, json.loads((RESULTS / f"{RESULT}.json").read_text(encoding="utf-8")))
        return
    model = pretrained.load(args.model, device="cpu")
    labels = np.repeat(np.arange(model.num_classes), args.per_class)
    rows = []
    for spec in args.samplers.split(","):
        sampler, steps = spec.split(":")
        for w in (float(v) for v in args.ws.split(",")):
            t0 = time.perf_counter()
            digits = draw(model, labels, w, sampler, int(steps), args.seed)
            rows.append({"sampler": sampler, "steps": int(steps), "w": w, **label_figures(digits, labels),
                         "seconds": time.perf_counter() - t0})
            print(table(rows[-1:], list(rows[-1])), flush=True)
    interval = tuple(float(v) for v in args.interval.split(":"))
    first = [r for r in rows if r["sampler"] == rows[0]["sampler"]]
    best = min(first, key=lambda r: (r["frechet"], r["w"]))
    t0 = time.perf_counter()
    digits = draw(model, labels, best["w"], best["sampler"], best["steps"], args.seed, interval)
    shipped = {"sampler": best["sampler"], "steps": best["steps"], "w": best["w"], "interval": list(interval),
               **label_figures(digits, labels), "seconds": time.perf_counter() - t0}
    print(table([shipped], list(shipped)), flush=True)
    plain = to_uint8(sample(in_chunks(model.eps), model.schedule, sampler="ddim", num_steps=50,
                            shape=(256, 1, 28, 28), seed=1))
    unguided = as_dict(evaluate(plain))
    speed = timing(model, interval)
    result = {"model": args.model, "sha256": model.sha256, "per_class": args.per_class, "seed": args.seed,
              "rows": rows, "shipped": shipped, "unguided_ddim_50": {**unguided, "meets_goals": meets_goals(unguided)}, "time_16": speed,
              "goals": GOALS, "when": time.strftime("%Y-%m-%d")}
    cols = ["sampler", "steps", "w", "accuracy", "confident", "diversity", "diversity_real", "frechet", "frechet_real"]
    print(table(rows, cols))
    print(f"the unconditional answer as served (no label, w = 0), DDIM 50, 256 digits: confident {unguided['confident']:.3f}, balance "
          f"{unguided['balance']:.3f}, Frechet {unguided['frechet']:.1f} (real {unguided['frechet_real']:.1f})")
    print(f"shipped: w = {shipped['w']} on t {interval}: accuracy {shipped['accuracy']:.3f}, Frechet "
          f"{shipped['frechet']:.1f}")
    print(f"16 digits, DPM-Solver++ 20: guided {speed['guided']:.3f} s (every step), {speed['guided_interval']:.3f} s "
          f"(interval), unguided {speed['unguided']:.3f} s: ratios {speed['ratio']:.2f}, {speed['ratio_interval']:.2f}")
    save(RESULT, result)
    print(f"-> {RESULTS / (RESULT + '.json')}")
    if args.card:
        write_guidance_card(args.model, result)


def write_guidance_card(model: str, result: dict) -> None:
    """The shipped w on the served bundle: where the measured quality peaks, the lowest per-class Frechet distance
    to real digits of the first sampler (it counts both how the digits look and how varied they are: too low a w
    ignores the label, too high a w makes look-alikes); the interval it is served on, with that guidance's figures;
    the curve the Steer tab draws, the times and the unguided answer's figures."""
    rows, shipped = result["rows"], result["shipped"]
    first = [r for r in rows if r["sampler"] == rows[0]["sampler"]]
    best = min(first, key=lambda r: (r["frechet"], r["w"]))
    curve = [{k: r[k] for k in ("w", "accuracy", "diversity", "diversity_real")} for r in first]  # the tab's chart
    guidance = {"weight": best["w"], "interval": shipped["interval"], "figures": shipped,
                        "every_step": best, "curve": curve, "time_16": result["time_16"],
                        "unguided_ddim_50": result["unguided_ddim_50"],
                        "how": f"bench/guidance.py, {result['per_class']} digits a class, seed {result['seed']}, "
                               f"{first[0]['sampler']} {first[0]['steps']} steps; w where the per-class Frechet "
                               "distance is lowest with guidance at every step, then served on the interval of "
                               "timesteps only (figures; every_step: the same w at every step)"}
    write_figures(model, "guidance", guidance, ROOT / "assets")
    print(f"{bundle_file(model, ROOT / 'assets')}: w = {best['w']} on t {shipped['interval']} ({best['sampler']}: accuracy {shipped['accuracy']:.3f}, "
          f"Frechet {shipped['frechet']:.1f}; at every step {best['accuracy']:.3f}, {best['frechet']:.1f})")


if __name__ == "__main__":
    main()
