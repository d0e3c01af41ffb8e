"""What every sampler shares: the Step record, the eps -> x0 conversion, noise. (Grids: grids.py.)"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import torch
from torch import Tensor

# A denoiser: model(x [B, C, H, W], t [B] network timesteps, float allowed) -> eps [B, C, H, W], or a Mix of answers.
Model = Callable[[Tensor, Tensor], "Tensor | Mix"]


class Mix(NamedTuple):
    """What a guided model answers: the eps a sampler steps with, and the separate answers it was mixed from (for
    classifier-free guidance: without the label, with it), each [B, C, H, W], so a step can show all of them."""

    eps: Tensor
    parts: tuple[Tensor, ...]


@dataclass(frozen=True)
class Step:
    """One sampler step, as the UI and callbacks see it. Samples are in the DDPM (VP) scale."""

    index: int          # 0 .. num_steps-1
    num_steps: int
    t: float            # network timestep of x_t (999 = pure noise end); fractional on Karras grids
    t_next: float       # network timestep of x_next; -1 means the clean end (x_0)
    x_t: Tensor         # sample entering this step                      [B, C, H, W]
    eps_pred: Tensor    # the network's noise estimate at x_t            [B, C, H, W]
    x0_pred: Tensor     # clean-image estimate                           [B, C, H, W]
    x_next: Tensor      # sample leaving this step                       [B, C, H, W]
    nfe: int            # network calls so far, this step included
    eps_parts: tuple[Tensor, ...] = ()   # a guided model's separate answers at x_t (Mix.parts); () for a plain one


def call_model(model: Model, x: Tensor, t: float) -> tuple[Tensor, tuple[Tensor, ...]]:
    """eps_theta(x, t) for a whole batch at one timestep, and the answers it mixes (() for a plain model)."""
    out = model(x, torch.full((x.shape[0],), float(t), device=x.device))
    return (out.eps, out.parts) if isinstance(out, Mix) else (out, ())


def x0_from_eps(x_t: Tensor, eps: Tensor, alpha_bar: float, clip: bool = False) -> Tensor:
    """Ho et al. eq. 15 solved for x_0: (x_t - sqrt(1 - ab) eps) / sqrt(ab); optionally clipped to [-1, 1]."""
    x0 = (x_t - math.sqrt(1.0 - alpha_bar) * eps) / math.sqrt(alpha_bar)
    return x0.clamp(-1.0, 1.0) if clip else x0


def eps_from_x0(x_t: Tensor, x0: Tensor, alpha_bar: float) -> Tensor:
    """The noise that takes x0 to x_t at this alpha_bar (inverse of x0_from_eps)."""
    return (x_t - math.sqrt(alpha_bar) * x0) / math.sqrt(1.0 - alpha_bar)


def fresh_noise(like: Tensor, generator: torch.Generator | None) -> Tensor:
    """Standard normal noise drawn on the CPU (same picture on any device), moved to ``like``'s device."""
    return torch.randn(like.shape, generator=generator, dtype=torch.float32).to(like.device, like.dtype)
