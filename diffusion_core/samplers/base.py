"""What every sampler shares: the Step record, the eps -> x0 conversion, noise, timestep grids."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np
import torch
from torch import Tensor

from ..schedule import NoiseSchedule

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


def alpha_bar_of(schedule: NoiseSchedule, t: int) -> float:
    """alphas_cumprod[t] for a network timestep, and 1.0 for t = -1 (the clean end)."""
    return 1.0 if t < 0 else float(schedule.alphas_cumprod[t])


def trailing_timesteps(num_train: int, num_steps: int, t_start: int | None = None) -> list[int]:
    """Evenly spaced network timesteps that start at T-1 ("trailing" spacing, Lin et al. 2023, table 2).

    num_steps = 10, T = 1000 -> [999, 899, ..., 99]. The sampler's last step goes from the
    last of these to the clean end (t = -1, alpha_bar = 1). With ``t_start`` the grid spans
    t_start..0 instead (to denoise a partly noised image).
    """
    top = num_train if t_start is None else int(t_start) + 1
    if not 1 <= top <= num_train:
        raise ValueError(f"t_start must be in [0, {num_train - 1}], got {t_start}")
    num_steps = min(num_steps, top)
    ratio = top / num_steps
    return [int(v) - 1 for v in np.arange(top, 0, -ratio).round()][:num_steps]


def karras_grid(schedule: NoiseSchedule, num_steps: int, rho: float = 7.0) -> tuple[list[float], list[float]]:
    """Karras et al. 2022 (eq. 5) noise levels between the schedule's largest and smallest sigma.

    sigma = sqrt((1 - ab) / ab) is the noise level of the rescaled sample x / sqrt(ab). Returns
    num_steps + 1 sigmas (the last is 0) and the num_steps (fractional) network timesteps
    whose log-sigma interpolates them.
    """
    sig_all = ((1 - schedule.alphas_cumprod) / schedule.alphas_cumprod).sqrt().numpy()   # [T]
    lo, hi = sig_all[0] ** (1 / rho), sig_all[-1] ** (1 / rho)
    sigmas = (hi + np.linspace(0, 1, num_steps) * (lo - hi)) ** rho
    ts = [sigma_to_t(s, np.log(sig_all)) for s in sigmas]
    return [float(s) for s in sigmas] + [0.0], ts


def sigma_to_t(sigma: float, log_sigmas: np.ndarray) -> float:
    """The fractional network timestep whose log-sigma (linearly interpolated) equals log(sigma)."""
    log_sigma = math.log(max(sigma, 1e-10))
    low = int(np.clip(np.searchsorted(log_sigmas, log_sigma, side="right") - 1, 0, len(log_sigmas) - 2))
    w = (log_sigmas[low] - log_sigma) / (log_sigmas[low] - log_sigmas[low + 1])
    w = min(max(w, 0.0), 1.0)
    return float(low + w)
