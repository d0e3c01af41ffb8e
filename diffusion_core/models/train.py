"""Train a named model: ``python -m diffusion_core.models.train --model digits``.

DDPM training (Ho et al. 2020, algorithm 1): draw x_0 and a step count k per image, noise it
in one jump, and regress the noise (a student: a shipped teacher's guess of it) with MSE, weighted per
image by Min-SNR-gamma (Hang et al. 2023, eq. 8 for eps-prediction: min(SNR_k, gamma) / SNR_k), which
stops the nearly clean steps from drowning out the noisy ones where a digit's overall shape is decided.
AdamW with warm-up and cosine decay, an EMA of the weights (the EMA is what ships), bf16 autocast
where the hardware has it. Checkpoints go to runs/NAME/ every few minutes and a rerun resumes from them; at the end
the EMA weights, a JSON card, a loss curve and a sample grid are written to assets/, and the bundles that serve
the net are assembled again (bundles.py).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import torch
from torch import Tensor

from ..device import autocast_dtype, pick_device
from ..paths import ROOT, assets_dir
from ..schedule import NoiseSchedule
from ..unet import TinyUNet
from .recipes import MODELS, TrainConfig, with_overrides
from .weights import load_weights

MAX_STEP_SECONDS = 120.0            # longer steps were paused; the card's minutes count at most this per step
RUNS = Path(os.environ.get("DIFFUSION_RUNS") or ROOT / "runs")     # checkpoints (not shipped)


def make_batches(name: str, batch_size: int, generator: torch.Generator) -> Callable[[], tuple[Tensor, Tensor | None]]:
    """A function that returns one training batch: images [B, C, H, W] in [-1, 1] for the named model, and their
    class labels [B] (None for a set without labels)."""
    if name == "digits":
        from .data import mnist_digits, to_model_range

        images, labels = mnist_digits()
        data, labels = to_model_range(images), torch.from_numpy(labels)     # [5000, 1, 28, 28], [5000]

        def batch() -> tuple[Tensor, Tensor]:
            rows = torch.randint(0, len(data), (batch_size,), generator=generator)
            return data[rows], labels[rows]
        return batch
    if name == "photos":
        from .photo_data import photo_crop_batches

        crops = photo_crop_batches(batch_size, generator)
        return lambda: (crops(), None)
    raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}")


def loss_weights(schedule: NoiseSchedule, t: Tensor, gamma: float | None, v_cap: float | None = None) -> Tensor:
    """Per-image weights of the eps MSE at network timesteps t [B]: min(SNR, gamma) / SNR (ones for gamma None), times
    min(1 / alpha_bar, v_cap) for a v_cap: the squared error in v = sqrt(ab) eps - sqrt(1 - ab) x_0 (Salimans & Ho
    2022), which is the eps error / alpha_bar, capped, so the noisiest steps count up to v_cap times more."""
    ab = schedule.alphas_cumprod[t]                                # float64 [B]
    snr = ab / (1.0 - ab)
    w = torch.ones(len(t), dtype=torch.float64) if gamma is None else snr.clamp(max=gamma) / snr
    if v_cap is not None:
        w = w * (1.0 / ab).clamp(max=v_cap)
    return w.float()


def distillation_batch(teacher: Any, bank: list, x_t: Tensor, t: Tensor,
                       reuse: int) -> tuple[Tensor, Tensor, Tensor]:
    """(x_t, t, target) at network timesteps t [B] for a student's step: the teacher's guess of the noise for the
    first B / reuse images, with the reuse - 1 previous steps' (kept in ``bank``): each answer is learned from
    ``reuse`` times in a row, and the teacher, the costly part, is asked 1 / reuse as often."""
    fresh = max(1, len(x_t) // reuse)
    x_t, t = x_t[:fresh], t[:fresh]
    bank.append((x_t, t, teacher.eps(x_t, t)))
    del bank[:-reuse]
    return tuple(torch.cat(parts) for parts in zip(*bank))


def flow_batch(x0: Tensor, generator: torch.Generator) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """A flow-matching batch (Lipman et al. 2023): s ~ U[0, 1] per image, x_s = (1 - s) x_0 + s eps, target the
    velocity eps - x_0; the net sees s on the 0..999 scale; every image weighs the same."""
    from ..flow import T_SCALE, interpolate, velocity_target

    s = torch.rand(len(x0), generator=generator)                                         # [B]
    eps = torch.randn(x0.shape, generator=generator).to(x0.device)
    return interpolate(x0, eps, s.to(x0.device)), s * T_SCALE, velocity_target(x0, eps), torch.ones(len(x0))


def drop_labels(labels: Tensor, num_classes: int, p: float, generator: torch.Generator) -> Tensor:
    """Classifier-free guidance's training (Ho & Salimans 2022, algorithm 1): each label replaced by the null label
    (``num_classes``) with probability p, so one net learns both eps(x_t, c) and eps(x_t, no condition)."""
    drop = torch.rand(labels.shape, generator=generator) < p
    return torch.where(drop, torch.full_like(labels, num_classes), labels)


def load_warm_start(model: torch.nn.Module, weights: dict[str, Tensor]) -> None:
    """Load shipped weights into ``model``; a class-conditional net may start from an unconditional one, its label
    embedding left at zero (so it begins as that net for every label)."""
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or set(missing) - {"label_emb.weight"}:
        raise ValueError(f"the weights do not fit this net: missing {missing}, unexpected {unexpected}")


def check_same_schedule(cfg: TrainConfig, taught: NoiseSchedule, own: NoiseSchedule) -> None:
    """Refuse a student whose recipe noises on another schedule than its teacher's: the teacher's eps_theta(x_t, t)
    is an answer about its own alpha_bar_t, and the app samples the student on the teacher's timesteps."""
    if taught.num_steps != own.num_steps or not torch.allclose(taught.alpha_bar, own.alpha_bar, rtol=0, atol=1e-12):
        raise ValueError(f"{cfg.name} learns from {cfg.teacher}, which was trained on the {taught.kind} schedule "
                         f"with T = {taught.num_steps}; its recipe says {own.kind} with T = {own.num_steps}")


def checkpoint_of(name: str) -> Path:
    """The resumable checkpoint of a named run (RUNS/NAME/ckpt.pt)."""
    return RUNS / name / "ckpt.pt"


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


def ema_decay_at(step: int, ema_from: int, cfg: TrainConfig) -> float:
    """The EMA's decay at ``step``: warmed up over the steps since its weights started (``ema_from``, the step a
    run began or continued from other weights), then ``cfg.ema_decay``. Counting from the inherited step count
    instead kept 0.999^750 = 47% of the digits net's eps weights in digits_flow's velocity EMA (docs/experiments.md)."""
    n = step - ema_from
    return min(cfg.ema_decay, (1 + n) / (10 + n))


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
    schedule = NoiseSchedule(cfg.schedule)
    teacher, bank = None, []                 # bank: a student's recent (x_k, k, teacher's answer), not checkpointed
    if cfg.teacher:
        from .pretrained import load

        teacher = load(cfg.teacher, device=str(device))
        check_same_schedule(cfg, teacher.schedule, schedule)
    ckpt_path = checkpoint_of(cfg.name)
    run_dir = ckpt_path.parent
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
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
        weights = load_weights(Path(init_from))
        load_warm_start(model, weights), ema.load_state_dict(model.state_dict())
        card_path = Path(init_from).with_suffix(".json")
        before = json.loads(card_path.read_text())["training"] if card_path.is_file() else {}
        # the step count (and so the learning-rate schedule) carries on where the earlier run stopped
        state.update(step=before.get("images_seen", 0) // cfg.batch_size, minutes_before=before.get("minutes", 0.0),
                     init_from=Path(init_from).name, precision=[before["precision"]] if "precision" in before else [])
        state["restarted_at"] = state["step"]                   # what a warm restart there would do, done
        state["ema_from"] = state["step"]                        # the EMA averages this run's weights only
        print(f"continuing from {init_from} at step {state['step']}")

    if teacher is not None:
        state["teacher"] = {"name": cfg.teacher, "sha256": teacher.sha256}     # for the card: which teacher taught
    total_steps = cfg.images // cfg.batch_size
    restart_steps = {images // cfg.batch_size for images, _ in cfg.restarts}
    next_batch = make_batches(cfg.data, cfg.batch_size, gen)
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
        x0, labels = next_batch()
        x0 = x0.to(device)                                                           # [B, C, H, W]
        for g in opt.param_groups:
            g["lr"] = lr_at(state["step"], total_steps, cfg)
        if cfg.objective == "flow":
            x_in, t_net, target, weights = flow_batch(x0, gen)
        else:
            first, last = cfg.t_range or (0, schedule.num_steps - 1)
            t_net = torch.randint(first, last + 1, (len(x0),), generator=gen)         # network timesteps [B]
            eps = torch.randn(x0.shape, generator=gen).to(device)
            x_in = schedule.noised(x0, t_net, eps)
            if teacher is not None:                              # the target: the teacher's guess, not the noise
                x_in, t_net, eps = distillation_batch(teacher, bank, x_in, t_net, cfg.teacher_reuse)
            target = eps
            weights = loss_weights(schedule, t_net, cfg.min_snr_gamma, cfg.v_weight_cap)
        cond = ()
        if cfg.unet.num_classes:                                  # [B] labels, a share of them the null label
            cond = (drop_labels(labels, cfg.unet.num_classes, cfg.label_dropout, gen).to(device),)
        with autocast():
            pred = model(x_in, t_net.to(device), *cond)
        per_image = (pred.float() - target).pow(2).mean(dim=(1, 2, 3))                 # [B]
        loss = (weights.to(device) * per_image).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = ema_decay_at(state["step"], state.get("ema_from", 0), cfg)
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
    out = Path(os.environ.get("DIFFUSION_ASSETS_OUT") or assets_dir())
    out.mkdir(parents=True, exist_ok=True)
    if not args.finalize_only:
        init_from = args.init_from or (out / f"{cfg.init_from}.safetensors" if cfg.init_from else None)
        if init_from is not None and not init_from.is_file() and not checkpoint_of(cfg.name).exists():
            made_by = f": train it first with `python -m diffusion_core.models.train --model {cfg.init_from}`"
            ap.error(f"{init_from} is missing; {cfg.name} starts from it" + ("" if args.init_from else made_by))
        train(cfg, minutes_cap=args.minutes, init_from=init_from)
    from .export import export_assets

    export_assets(cfg, RUNS / cfg.name, out, quality_n=0 if args.skip_quality else 256)


if __name__ == "__main__":
    main()
