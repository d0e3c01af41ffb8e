"""Quality of generated digits (diffusion_core.models.quality), per sampler at its default steps.

python bench/quality.py [--model digits] [--n 256] [--samplers ddim,dpmpp2m] [--precision auto|fp32|bf16]
                        [--compare-precision] [--card] [--assets DIR] [--guide W:FIRST:LAST]
Goals (DDIM, 50 steps, 256 digits): confident >= 0.95, balance >= 0.97, Frechet <= 3x the real
reference, near-copies <= 2%.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from common import ROOT, result_name, save, table

from diffusion_core.device import cpu_has_bf16
from diffusion_core.flow import flow_sample
from diffusion_core.lessons.compare import METHODS
from diffusion_core.models import pretrained
from diffusion_core.models.bundles import bundle_file, write_figures
from diffusion_core.models.data import to_uint8
from diffusion_core.models.export import card_quality
from diffusion_core.models.quality import GOALS, as_dict, evaluate
from diffusion_core.samplers import SAMPLERS, sample


FLOW_STEPS = {"flow_euler": 50, "flow_heun": 10}            # a flow net's solvers and their steps here


def in_chunks(model, size: int = 64):
    """The same eps(x, t), run on at most ``size`` images per network call (the sampler still draws its noise for
    the whole batch, so the digits are those of one big batch): on 2 cores 64 images a call cost 7.45 ms each,
    512 a call 9.8 ms each (the activations of 512 do not fit in cache)."""
    def eps(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if len(x) <= size:
            return model(x, t)
        t = t.expand(len(x)) if t.ndim == 0 else t
        return torch.cat([model(x[i:i + size], t[i:i + size]) for i in range(0, len(x), size)])
    return eps


def generate(model, name: str, steps: int, n: int, seed: int) -> tuple[np.ndarray, float]:
    """N digits uint8 [N, 28, 28] from one method (a diffusion sampler, or "flow_euler" / "flow_heun" on a flow
    net), and the seconds it took."""
    t0 = time.perf_counter()
    if solver := METHODS[name].flow_solver:
        x = flow_sample(in_chunks(model), sampler=solver, num_steps=steps, shape=(n, 1, 28, 28), seed=seed,
                        shift=model.time_shift)
    else:
        x = sample(in_chunks(model), model.schedule, sampler=name, num_steps=steps, shape=(n, 1, 28, 28), seed=seed)
    return to_uint8(x), time.perf_counter() - t0


def specks(digits: np.ndarray, ink: int = 100, most: int = 4) -> float:
    """Stray dots per digit: connected blobs of at most ``most`` pixels brighter than ``ink`` (uint8 [N, 28, 28])."""
    from scipy import ndimage

    count = 0
    for im in digits:
        labels, n = ndimage.label(im > ink)
        if n:
            count += int((np.bincount(labels.ravel())[1:] <= most).sum())
    return count / len(digits)


def score(name: str, steps: int, digits: np.ndarray, secs: float, seed: int) -> dict:
    """A table row of diffusion_core.models.quality's figures for one sampler's digits, and its stray dots per digit."""
    q = as_dict(evaluate(digits))
    q.pop("class_counts")
    se = (q["confident"] * (1.0 - q["confident"]) / q["n"]) ** 0.5        # binomial standard error of the share
    return {"sampler": name, "steps": steps, "nfe": METHODS[name].nfe(steps), **q, "confident_se": se,
            "specks": specks(digits),
            "frechet_ratio": q["frechet"] / q["frechet_real"], "s/image": secs / len(digits), "seed": seed}


def measure(model, name: str, steps: int, n: int, seed: int) -> dict:
    return score(name, steps, *generate(model, name, steps, n, seed), seed)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samplers", help="comma-separated; default: every sampler of the model's kind (a flow net: "
                    "flow_euler at 50 steps, flow_heun at 10)")
    ap.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    ap.add_argument("--compare-precision", action="store_true", help="DDIM 50 in fp32 and in bf16")
    ap.add_argument("--card", action="store_true", help="rewrite the quality figures of the served bundle "
                    "(assets/bundles/MODEL.json)")
    ap.add_argument("--model", default="digits", help="the shipped digits model to score (saved as quality_[MODEL_]"
                    "PRECISION, as bench/samplers.py)")
    ap.add_argument("--assets", type=Path, help="a candidate's model directory (printed, not saved); default: assets/")
    ap.add_argument("--guide", metavar="W:FIRST:LAST", help="the bundle's guide at another weight and network "
                    "timesteps, e.g. 3:150:649 (printed, not saved); 1:0:999 is the nets alone")
    args = ap.parse_args()
    candidate = bool(args.assets or args.guide)
    if candidate and (args.card or args.compare_precision):
        ap.error("--assets and --guide score a candidate: they take neither --card nor --compare-precision")
    model = pretrained.load(args.model, device="cpu", precision=args.precision, assets=args.assets)
    if args.guide:
        model = with_guide(model, args.guide, ap)
    print(f"{args.model} model:", model.sha256[:16], "+ experts", [e.sha256[:8] for e in model.experts], model.routes(),
          "+ guide", model.guide and (model.guide.sha256[:8], model.guide.weight, model.guide.first, model.guide.last))
    out = result_name("quality", args.model, model.precision)     # one file per precision, as samplers.py
    cols = ["sampler", "steps", "nfe", "confident", "confident_se", "balance", "frechet", "frechet_real", "frechet_ratio",
            "near_copies", "specks", "s/image"]
    rows, card_due = [], args.card
    flow = model.objective == "flow"
    names = args.samplers.split(",") if args.samplers else list(FLOW_STEPS if flow else SAMPLERS)
    if unfit := [m for m in names if m not in METHODS or METHODS[m].flow != flow]:
        ap.error(f"{args.model} samples with {sorted(FLOW_STEPS if flow else SAMPLERS)}, not {unfit}")
    for name in names:
        steps = FLOW_STEPS[name] if flow else SAMPLERS[name].default_steps
        digits, secs = generate(model, name, steps, args.n, args.seed)
        rows.append(score(name, steps, digits, secs, args.seed))
        print(table(rows[-1:], cols), flush=True)
        if not candidate:
            save(out, {"n": args.n, "rows": rows, "goals": GOALS})      # kept as it goes
        if card_due and (name, steps, args.n, args.seed) == ("ddim", 50, 256, 1):
            write_quality_card(model, digits)       # the card's own sample: not drawn a second time
            card_due = False
    if card_due:
        write_quality_card(model, None)
    if args.compare_precision and not cpu_has_bf16():
        print("this CPU has no native bf16 (emulated, it is 25x slower): --compare-precision skipped")
    elif args.compare_precision:
        for p in ("fp32", "bf16"):
            r = measure(pretrained.load(args.model, device="cpu", precision=p), "ddim", 50, args.n, args.seed)
            rows.append({**r, "sampler": f"ddim ({p})"})
    print(table(rows, cols))
    print(f"\ngoals (ddim 50): {GOALS}")
    if not candidate:
        print("->", save(out, {"n": args.n, "rows": rows, "goals": GOALS}))


def with_guide(model: pretrained.Pretrained, spec: str, ap: argparse.ArgumentParser) -> pretrained.Pretrained:
    """The served model with its guide at weight W on network timesteps FIRST..LAST ("W:FIRST:LAST")."""
    try:
        w, lo, hi = spec.split(":")
        weight, first, last = float(w), int(lo), int(hi)
    except ValueError:
        ap.error(f"--guide takes W:FIRST:LAST (e.g. 3:150:999), not {spec!r}")
    if model.guide is None:
        ap.error("--guide needs a model whose bundle has a guide")
    return replace(model, guide=replace(model.guide, weight=weight, first=first, last=last))


def write_quality_card(model, digits: np.ndarray | None) -> None:
    """Rewrite the quality figures of the served bundle (e.g. after a new classifier): the figures the export writes."""
    write_figures(model.name, "quality", card_quality(model, digits=digits), ROOT / "assets")
    print("->", bundle_file(model.name, ROOT / "assets"), flush=True)


if __name__ == "__main__":
    main()
