"""Turn a training run into shipped assets: EMA weights (safetensors), a JSON card, a loss curve, a sample grid."""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..flow import flow_sample
from ..media.frames import grid
from ..paths import write_json
from ..samplers import sample
from . import bundles, pretrained
from .data import DIGITS_SOURCE, to_uint8
from .photo_data import HELD_OUT, TRAIN_PHOTOS
from .photo_data import SOURCE as PHOTOS_SOURCE
from .weights import save_weights

DATA_CARDS = {
    "digits": {"source": DIGITS_SOURCE, "images": 5000, "license": "CC BY-SA 3.0 (MNIST)",
               "image": {"channels": 1, "height": 28, "width": 28, "range": "[-1, 1], +1 = ink"}},
    "photos": {"source": PHOTOS_SOURCE, "images": len(TRAIN_PHOTOS),
               "photos": [f"{p}/{n}" for p, n in TRAIN_PHOTOS], "held_out": [f"{p}/{n}" for p, n in HELD_OUT],
               "augmentation": "random crops rescaled 0.4-1x to 64 x 64, horizontal flips, saturation, contrast "
                               "and brightness jitter",
               "license": "public-domain, CC0 and CC-BY photographs, as each package documents them "
                          "(skimage.data docstrings, sklearn/datasets/images/README.txt, matplotlib sample_data)",
               "image": {"channels": 3, "height": 64, "width": 64, "range": "[-1, 1] RGB",
                         "note": "fully convolutional: any height and width that are multiples of 8"}},
}


def export_assets(cfg: Any, run_dir: Path, assets: Path, quality_n: int = 256) -> dict[str, Any]:
    """Write assets/NAME.{safetensors,json} and NAME_loss.png, NAME_samples.png from run_dir/ckpt.pt."""
    ck = torch.load(run_dir / "ckpt.pt", map_location="cpu", weights_only=True)
    state = ck["state"]
    weights = assets / f"{cfg.name}.safetensors"
    save_weights(ck["ema"], weights, cfg.weights_dtype)
    dataset = cfg.data                             # "digits" or "photos"
    data = DATA_CARDS.get(dataset, {})
    card: dict[str, Any] = {
        "name": cfg.name,
        "objective": cfg.objective,
        "task": ("velocity prediction v_theta(x_s, s) = eps - x_0 on the straight path x_s = (1 - s) x_0 + s eps "
                 "(flow matching), s on the 0..999 scale" if cfg.objective == "flow" else
                 "class-conditional noise prediction eps_theta(x_t, t, c), c = 0-9 or the null label "
                 f"{cfg.unet.num_classes} (\"no condition\"; labels dropped for {cfg.label_dropout:.0%} of the "
                 "training images), for classifier-free guidance; DDPM, T = 1000" if cfg.unet.num_classes else
                 "noise prediction eps_theta(x_t, t) for DDPM, T = 1000"),
        "schedule": cfg.schedule, "num_train_timesteps": 1000,
        "unet": cfg.unet.to_dict(),
        "parameters": sum(v.numel() for v in ck["ema"].values()),
        "data": {k: v for k, v in data.items() if k != "image"},
        "image": data.get("image", {}),
        "training": {"images_seen": state.get("images_before", 0) + state["step"] * cfg.batch_size,
                     "steps": state["step"], "continued_from": state.get("init_from"),
                     **({"teacher": state["teacher"]} if "teacher" in state else {}),
                     "batch_size": cfg.batch_size, "peak_lr": cfg.lr, "lr_schedule": "warm-up + cosine",
                     "ema_decay": cfg.ema_decay, "minutes": round(state.get("minutes_before", 0.0) + state["seconds"] / 60, 1),
                     "final_loss": round(float(np.mean([l for _, l in state["losses"][-20:]])), 5) if state["losses"] else None,
                     "precision": " + ".join(state.get("precision", ["bf16 autocast where available"])),
                     "hardware": "2 CPU cores",
                     "command": f"python -m diffusion_core.models.train --model {cfg.name}",
                     "config": json.loads(json.dumps(asdict(cfg)))},     # the recipe the command runs, with its notes
        "role": role(cfg),
        "created": dt.date.today().isoformat(),
        "sha256": pretrained.sha256_of(weights),
        "size_bytes": weights.stat().st_size,
    }
    card_path = assets / f"{cfg.name}.json"
    write_json(card_path, card)
    plot_loss(state["losses"], assets / f"{cfg.name}_loss.png", cfg.name,
              target=f"{cfg.teacher}'s eps" if cfg.teacher else "eps")

    # the card is this net's alone; the bundles that serve it are assembled again from the cards (bundles.py)
    serving = [b for b in bundles.bundles_with(cfg.name) if (assets / f"{bundles.BUNDLES[b].base}.json").is_file()]
    for name in serving:                           # (a bundle whose base is not trained yet waits for it)
        bundles.assemble(name, assets)
    served = serving[0] if serving else cfg.name   # the samples and figures: of what the app serves with this net
    model = pretrained.load(served, device="cpu", assets=assets)
    shape = model.image_shape
    from PIL import Image

    if served == "photos":                         # what it is for: reforming photos it never saw
        Image.fromarray(reform_strip(model)).save(assets / f"{cfg.name}_samples.png")
    elif model.objective == "flow":
        x = flow_sample(model, sampler="euler", num_steps=50, shape=(64, *shape), seed=0, shift=model.time_shift)
        Image.fromarray(grid(to_uint8(x), cols=8, scale=3)).save(assets / f"{cfg.name}_samples.png")
    elif model.num_classes:                        # a row per label, guided at w = 3
        from ..guidance import LabelGuided

        rows = [to_uint8(sample(LabelGuided(model.eps, model.num_classes, c, 3.0), model.schedule, sampler="ddim",
                                num_steps=50, shape=(8, *shape), seed=0)) for c in range(model.num_classes)]
        Image.fromarray(grid(np.concatenate(rows), cols=8, scale=3)).save(assets / f"{cfg.name}_samples.png")
    else:
        x = sample(model, model.schedule, sampler="ddim", num_steps=50, shape=(64, *shape), seed=0)
        Image.fromarray(grid(to_uint8(x), cols=8, scale=3)).save(assets / f"{cfg.name}_samples.png")
    if dataset == "digits" and quality_n > 0 and serving:   # the figures of what is served go on its bundle
        bundles.write_figures(served, "quality", card_quality(model, quality_n), assets)
    print(json.dumps({k: card[k] for k in ("name", "parameters", "size_bytes", "training")}, indent=1)[:2000])
    return card


def role(cfg: Any) -> dict[str, Any]:
    """The card's "role": this net's relations to other nets, as its recipe names them (bundles.py reads an expert's
    timesteps here)."""
    relations = {"expert_of": cfg.expert_of, "t_range": list(cfg.t_range) if cfg.t_range else None,
                 "guides": cfg.guides, "teacher": cfg.teacher, "init_from": cfg.init_from}
    return {k: v for k, v in relations.items() if v is not None}


def card_quality(model: Any, n: int = 256, digits: np.ndarray | None = None) -> dict[str, Any]:
    """The digits card's quality entry: diffusion_core.models.quality's figures for N digits from DDIM 50, seed 1
    (``digits``: those N digits, uint8 [N, 28, 28], when the caller has already sampled them), and for a guided
    model the same seed's figures without its guide."""
    from .quality import as_dict, evaluate

    def ddim_50(m: Any) -> np.ndarray:               # a flow model: Euler 50, the same method on its own path
        if m.objective == "flow":
            return to_uint8(flow_sample(m, sampler="euler", num_steps=50, shape=(n, *m.image_shape), seed=1,
                                        shift=m.time_shift))
        return to_uint8(sample(m, m.schedule, sampler="ddim", num_steps=50, shape=(n, *m.image_shape), seed=1))

    n = n if digits is None else len(digits)
    digits = ddim_50(model) if digits is None else digits
    precision = "bf16 autocast" if model.precision == "bf16" else "fp32"
    plain = {"ddim_50_without_guide": as_dict(evaluate(ddim_50(model.unguided())))} if model.guide else {}
    method = (f"Euler 50 steps on its straight paths (grid shift {model.time_shift:g})" if model.objective == "flow"
              else "DDIM 50 steps")
    return {"ddim_50": as_dict(evaluate(digits)), **plain,
            "how": f"{len(digits)} digits, {method}, seed 1, {precision}; see bench/quality.py (--card rewrites this)"}


def reform_strip(model: Any, k: int = 250, steps: int = 25, size: int = 192) -> np.ndarray:
    """Rows of (original, x_k, the model's reform) for the held-out photos: uint8 [rows * size, 3 * size, 3]."""
    from PIL import Image

    from ..lessons.reform import reform_image
    from .photo_data import load_photo

    rows = []
    for p in HELD_OUT:
        im = Image.fromarray(load_photo(*p)).resize((size, size), Image.Resampling.LANCZOS)
        image = np.asarray(im)
        r = reform_image(model, model.schedule, image, k, steps, seed=0, mirrors=model.options.mirrors)
        rows.append(np.concatenate([image, r.noised, r.reformed], 1))
    return np.concatenate(rows, 0)


def plain_log_labels(axis: Any, lo: float, hi: float) -> None:
    """Label a log axis with plain numbers (0.0205, not 2.05 x 10^-2): every tick when it spans less than a factor
    of 3 (a continued run's curve), else the decades and the 2s and 5s between them."""
    from matplotlib.ticker import FuncFormatter

    def label(v: float, _pos: Any) -> str:
        lead = round(v / 10 ** math.floor(math.log10(v))) if v > 0 else 0
        return f"{v:.3g}" if hi < 3 * lo or lead in (1, 2, 5, 10) else ""
    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(FuncFormatter(label))


def plot_loss(losses: list, path: Path, name: str, target: str = "eps") -> None:
    """The training loss curve (averaged over 50 steps), log scale; ``target``: what the net regressed."""
    from ..media.plots import new_figure

    fig, ax = new_figure(6, 3)
    if losses:
        steps, vals = zip(*losses)
        ax.plot(steps, vals, lw=1.2)
        ax.set_yscale("log")
        plain_log_labels(ax.yaxis, min(vals), max(vals))
    ax.set_xlabel("training step")
    ax.set_ylabel(f"MSE({target}, eps_theta)")
    ax.set_title(f"{name}: training loss")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
