"""Train a named model: ``python -m diffusion_core.train --model digits``.

DDPM training (Ho et al. 2020, algorithm 1): draw x_0 and a step count k per image, noise it
in one jump, and regress the noise with MSE, weighted per image by Min-SNR-gamma (Hang et al.
2023, eq. 8 for eps-prediction: min(SNR_k, gamma) / SNR_k), which stops the nearly clean steps
from drowning out the noisy ones where a digit's overall shape is decided. AdamW with warm-up and cosine decay,
an EMA of the weights (the EMA is what ships), bf16 autocast where the hardware has it.
Checkpoints go to runs/NAME/ every few minutes and a rerun resumes from them; at the end
the EMA weights, a JSON card, a loss curve and a sample grid are written to assets/.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import torch
from torch import Tensor

from .device import autocast_dtype, pick_device
from .schedule import NoiseSchedule
from .unet import TinyUNet, UNetConfig

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
MAX_STEP_SECONDS = 120.0            # longer steps were paused; the card's minutes count at most this per step
RUNS = Path(os.environ.get("DIFFUSION_RUNS") or ROOT / "runs")     # checkpoints (not shipped)


@dataclass(frozen=True)
class TrainConfig:
    name: str
    unet: UNetConfig
    data: str = ""                   # the training set ("digits" or "photos"); "": the model's name
    images: int = 1_000_000          # training images seen in total (batch * steps)
    batch_size: int = 128
    lr: float = 2e-3
    warmup_steps: int = 300
    ema_decay: float = 0.999
    schedule: str = "linear"
    min_snr_gamma: float | None = 5.0   # None: plain (unweighted) eps MSE of Ho et al.
    # warm restarts (Loshchilov & Hutter 2017): (images seen when a new cosine cycle starts, its peak lr);
    # each new cycle starts from the EMA weights with a fresh optimizer (as --init-from a shipped model does)
    restarts: tuple[tuple[int, float], ...] = ()
    steps: tuple[int, int] | None = None     # train on step counts k in [lo, hi] only (a time expert); None: 1..T
    init_from: str | None = None             # a fresh run starts from this shipped model's weights (as --init-from)
    seed: int = 0
    notes: dict = field(default_factory=dict)


DIGITS_UNET = UNetConfig(in_channels=1, base_channels=32, channel_mults=(1, 2, 2), num_res_blocks=1,
                         attention=True, dropout=0.0)


PHOTOS_UNET = UNetConfig(in_channels=3, base_channels=16, channel_mults=(1, 2, 4, 4), num_res_blocks=1,
                         attention=False, dropout=0.0)


def time_expert(base: TrainConfig, name: str, steps: tuple[int, int], images: int) -> TrainConfig:
    """A time expert (Balaji et al. 2022, eDiff-I) served with ``base``: its net fine-tuned on step counts ``steps``
    only, from its shipped weights (which had seen ``base.images``), for ``images`` more in one cosine cycle at 1e-3."""
    return replace(base, name=name, data=base.name, images=base.images + images, restarts=((base.images, 1e-3),),
                   steps=steps, init_from=base.name, notes={})


DIGITS = TrainConfig(
    name="digits",
    unet=DIGITS_UNET,
    images=1_920_000,
    min_snr_gamma=None,
    restarts=((640_000, 1e-3), (1_280_000, 1e-3)),
    notes={"history": "three cosine cycles of 640k images; the shipped weights ran the first two under "
                      "torch.compile, which trained only the 28 x 28 layers (DDIM-50: confident 0.48, "
                      "Frechet 63.8), and the third eager, continued from them with --init-from, training "
                      "every layer; rerunning the command trains every layer in every cycle"},
)
# fully convolutional (no attention), 4 levels for a wide view at 1/8 scale; trained on 64 x 64
# crops, used at any size with sides a multiple of 8 (256 x 256: 11.7 GFLOP per call)
PHOTOS = TrainConfig(
    name="photos",
    unet=PHOTOS_UNET,
    images=600_000,
    batch_size=32,
    lr=2e-3,
    restarts=((60_000, 2e-3), (400_000, 2e-3)),
    notes={"history": "three cosine cycles (60k, 340k, 200k images); the first two ran under torch.compile, "
                      "which trained only the 64 x 64 layers, the third eager, continued from them with "
                      "--init-from, training every layer"},
)
MODELS: dict[str, TrainConfig] = {
    "digits": DIGITS,
    # the digits net fine-tuned on the middle steps only, where bench/ideal.py shows the digits are lost;
    # sampling routes those steps to it, the rest to "digits". 128k images (1,000 steps) score as well as
    # 384k did (DDIM 50, 256 digits: confident 0.934 against 0.918, Frechet 1.12x against 1.09x the real
    # floor): the gain comes early, so the shorter recipe ships. Tried and not shipped (session 14): a third net
    # on 251-550 from these weights (128k images): 1,024 digits, confident 0.899 -> 0.905, Frechet 8.9 -> 7.2;
    # a photos expert on 1-300 (35k crops): reform gain at t = 250 +1.39 -> +1.41 dB
    "digits_mid": time_expert(DIGITS, "digits_mid", (151, 650), images=128_000),
    "photos": PHOTOS,
}


def make_batches(name: str, batch_size: int, generator: torch.Generator) -> Callable[[], Tensor]:
    """A function that returns one training batch [B, C, H, W] in [-1, 1] for the named model."""
    if name == "digits":
        from .data import mnist_digits, to_model_range

        data = to_model_range(mnist_digits()[0])                       # [5000, 1, 28, 28]
        return lambda: data[torch.randint(0, len(data), (batch_size,), generator=generator)]
    if name == "photos":
        from .photo_data import photo_crop_batches

        return photo_crop_batches(batch_size, generator)
    raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}")


def loss_weights(schedule: NoiseSchedule, k: Tensor, gamma: float | None) -> Tensor:
    """Per-image weights of the eps MSE for step counts k [B]: min(SNR, gamma) / SNR, or ones."""
    if gamma is None:
        return torch.ones(len(k))
    ab = schedule.alpha_bar[k]                                     # float64 [B]
    snr = ab / (1.0 - ab)
    return (snr.clamp(max=gamma) / snr).float()


def lr_at(step: int, total: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to 2% of the peak; again from each restart's peak."""
    start, peak = 0, cfg.lr
    for images, restart_lr in cfg.restarts:
        if step >= images // cfg.batch_size:
            start, peak = images // cfg.batch_size, restart_lr
        else:
            total = images // cfg.batch_size
            break
    step, total = step - start, total - start
    if step < cfg.warmup_steps:
        return peak * (step + 1) / cfg.warmup_steps
    p = (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps)
    return peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def new_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    return torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.0)


def warm_restart(model: torch.nn.Module, ema: torch.nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    """Start a new cycle from the averaged weights: model <- EMA (the EMA goes on), a fresh optimizer."""
    model.load_state_dict(ema.state_dict())
    return new_optimizer(model, cfg)


def train(cfg: TrainConfig, *, minutes_cap: float | None = None, checkpoint_every_s: float = 180.0,
          init_from: Path | None = None) -> Path:
    """Train (or resume) the named model; returns the run directory with its checkpoint.

    ``init_from`` (shipped weights, e.g. assets/digits.safetensors) continues an earlier model with a
    fresh optimizer at the step where its card says it stopped (``cfg.images`` counts both runs; with
    ``cfg.restarts`` at that point the second run is the new cosine cycle a single run would start there).
    """
    device = pick_device()
    run_dir = RUNS / cfg.name
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = run_dir / "ckpt.pt"
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    schedule = NoiseSchedule(cfg.schedule)
    model = TinyUNet(cfg.unet).to(device)
    ema = copy.deepcopy(model).eval().requires_grad_(False)
    opt = new_optimizer(model, cfg)
    state = {"step": 0, "seconds": 0.0, "losses": []}
    if ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location=device, weights_only=True)
        model.load_state_dict(ck["model"]), ema.load_state_dict(ck["ema"]), opt.load_state_dict(ck["opt"])
        state = ck["state"]
        gen.set_state(ck["gen"])
        print(f"resumed {cfg.name} at step {state['step']} ({state['seconds'] / 60:.1f} min so far)")
    elif init_from is not None:
        from safetensors.torch import load_file

        weights = load_file(str(init_from))
        model.load_state_dict(weights), ema.load_state_dict(weights)
        card_path = Path(init_from).with_suffix(".json")
        before = json.loads(card_path.read_text())["training"] if card_path.is_file() else {}
        # the step count (and so the learning-rate schedule) carries on where the earlier run stopped
        state.update(step=before.get("images_seen", 0) // cfg.batch_size, minutes_before=before.get("minutes", 0.0),
                     init_from=Path(init_from).name, precision=[before["precision"]] if "precision" in before else [])
        state["restarted_at"] = state["step"]                   # what a warm restart there would do, done
        print(f"continuing from {init_from} at step {state['step']}")

    total_steps = cfg.images // cfg.batch_size
    restart_steps = {images // cfg.batch_size for images, _ in cfg.restarts}
    next_batch = make_batches(cfg.data or cfg.name, cfg.batch_size, gen)
    # No torch.compile here: under CPU bf16 autocast, torch 2.13's inductor returned zero gradients for every
    # layer below the first downsample (102 of the digits model's 148 tensors, 136 of the photos model's 182),
    # so those layers never left their initialisation. Eager autocast trains as fast on these CPUs
    # (tests/test_train.py checks that every tensor learns).
    amp = autocast_dtype(device)
    autocast = (lambda: torch.autocast(device.type, dtype=amp)) if amp else contextlib.nullcontext
    used = state.setdefault("precision", [])                 # for the card: what each resumed stretch ran in
    if (label := "bf16 autocast" if amp else "fp32") not in used:
        used.append(label)

    def save() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "state": state, "gen": gen.get_state(), "config": json.dumps(asdict(cfg))}, tmp)
        tmp.replace(ckpt_path)

    from tqdm import tqdm

    bar = tqdm(total=total_steps, initial=state["step"], desc=f"train {cfg.name}", unit="step")
    t_start = t_saved = t_step = time.perf_counter()
    window: list[float] = []
    model.train()
    while state["step"] < total_steps:
        if state["step"] in restart_steps and state.get("restarted_at") != state["step"]:
            opt = warm_restart(model, ema, cfg)
            state["restarted_at"] = state["step"]
            print(f"warm restart at step {state['step']}: from the EMA weights, fresh optimizer")
        x0 = next_batch().to(device)                                                 # [B, C, H, W]
        lo, hi = cfg.steps or (1, schedule.num_steps)
        k = torch.randint(lo, hi + 1, (len(x0),), generator=gen)                     # steps, lo..hi
        eps = torch.randn(x0.shape, generator=gen).to(device)
        x_k = schedule.add_noise(x0, k, eps)
        for g in opt.param_groups:
            g["lr"] = lr_at(state["step"], total_steps, cfg)
        with autocast():
            eps_pred = model(x_k, (k - 1).to(device))                                # network timestep n = k - 1
        per_image = (eps_pred.float() - eps).pow(2).mean(dim=(1, 2, 3))                # [B]
        loss = (loss_weights(schedule, k, cfg.min_snr_gamma).to(device) * per_image).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = min(cfg.ema_decay, (1 + state["step"]) / (10 + state["step"]))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.lerp_(pm.detach(), 1 - decay)
        state["step"] += 1
        window.append(loss.item())
        if len(window) == 50:
            state["losses"].append([state["step"], sum(window) / len(window)])
            bar.set_postfix(loss=f"{state['losses'][-1][1]:.4f}", lr=f"{lr_at(state['step'], total_steps, cfg):.1e}")
            window = []
        bar.update(1)
        now = time.perf_counter()
        state["seconds"] += min(now - t_step, MAX_STEP_SECONDS)    # a paused process (SIGSTOP) is not training time
        t_step = now
        if now - t_saved > checkpoint_every_s:
            save()
            t_saved = now
        if minutes_cap is not None and now - t_start > 60 * minutes_cap:
            print(f"stopping after {minutes_cap} min as asked; rerun to resume")
            break
    bar.close()
    save()
    return run_dir


def with_overrides(cfg: TrainConfig, images: int | None = None, lr: float | None = None,
                   restarts: list[str] = ()) -> TrainConfig:
    """The recipe with command-line changes: total images, peak lr, and extra warm restarts "IMAGES:LR"."""
    added = []
    for r in restarts:
        try:
            at, peak = r.split(":")
            added.append((int(float(at)), float(peak)))
        except ValueError:
            raise ValueError(f"--restart takes IMAGES:LR (e.g. 640000:1e-3), not {r!r}") from None
    return replace(cfg, images=images or cfg.images, lr=lr or cfg.lr, restarts=tuple(sorted(cfg.restarts + tuple(added))))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="digits", choices=sorted(MODELS))
    ap.add_argument("--images", type=int, help="override the number of training images")
    ap.add_argument("--minutes", type=float, help="stop (resumably) after this many minutes")
    ap.add_argument("--finalize-only", action="store_true", help="only export assets from the checkpoint")
    ap.add_argument("--init-from", type=Path, help="continue from shipped weights (fresh optimizer; the step count and --images, "
                    "the whole recipe's total, carry on from that model's card)")
    ap.add_argument("--lr", type=float, help="override the peak learning rate (e.g. lower when continuing)")
    ap.add_argument("--restart", action="append", default=[], metavar="IMAGES:LR",
                    help="add a warm restart: a new cosine cycle from the EMA weights at IMAGES seen, peak LR")
    ap.add_argument("--skip-quality", action="store_true", help="export without the quality figures (quick runs)")
    args = ap.parse_args(argv)
    try:
        cfg = with_overrides(MODELS[args.model], images=args.images, lr=args.lr, restarts=args.restart)
    except ValueError as e:
        ap.error(str(e))
    out = Path(os.environ.get("DIFFUSION_ASSETS_OUT") or ASSETS)
    out.mkdir(parents=True, exist_ok=True)
    if not args.finalize_only:
        init_from = args.init_from or (out / f"{cfg.init_from}.safetensors" if cfg.init_from else None)
        train(cfg, minutes_cap=args.minutes, init_from=init_from)
    from .export import export_assets

    export_assets(cfg, RUNS / cfg.name, out, quality_n=0 if args.skip_quality else 256)


if __name__ == "__main__":
    main()
