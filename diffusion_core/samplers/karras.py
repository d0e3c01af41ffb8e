"""Euler and Heun on the Karras sigma grid (Karras et al. 2022, algorithms 1-2), k-diffusion style.

They integrate the probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma for the rescaled
sample x = x_vp / sqrt(ab) = x_vp * sqrt(1 + sigma^2). The network still sees the DDPM-scale
input x / sqrt(1 + sigma^2) at the (fractional) timestep of sigma. Steps report DDPM-scale samples.
"""
from __future__ import annotations

import math
from typing import Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, call_model, karras_grid


def _denoise(model: Model, x: Tensor, sigma: float, t: float, clip: bool) -> tuple[Tensor, Tensor, tuple]:
    """(eps, D, the answers eps mixes) at noise level sigma: D(x; sigma) = x - sigma * eps, the x0 estimate."""
    eps, parts = call_model(model, x / math.sqrt(1 + sigma**2), t)
    x0 = x - sigma * eps
    return eps, (x0.clamp(-1, 1) if clip else x0), parts


def _vp(x: Tensor, sigma: float) -> Tensor:
    return x / math.sqrt(1 + sigma**2)


def euler(model: Model, schedule: NoiseSchedule, x_T: Tensor, num_steps: int = 30, *,
          clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """x_{i+1} = x_i + (sigma_{i+1} - sigma_i) d_i with d_i = (x_i - D(x_i; sigma_i)) / sigma_i."""
    sigmas, ts = karras_grid(schedule, num_steps)
    x = x_T * math.sqrt(1 + sigmas[0] ** 2)
    for i in range(num_steps):
        s, s_next = sigmas[i], sigmas[i + 1]
        eps, x0, parts = _denoise(model, x, s, ts[i], clip_x0)
        x_next = x + (s_next - s) * (x - x0) / s
        t_next = ts[i + 1] if i + 1 < num_steps else -1.0
        yield Step(i, num_steps, ts[i], t_next, _vp(x, s), eps, x0, _vp(x_next, s_next), i + 1, parts)
        x = x_next


def heun(model: Model, schedule: NoiseSchedule, x_T: Tensor, num_steps: int = 10, *,
         clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """Euler predictor, then the trapezoid corrector with the slope at the predicted point.

    Two network calls per step except the last (to sigma = 0), which is plain Euler: NFE = 2N - 1.
    """
    sigmas, ts = karras_grid(schedule, num_steps)
    x = x_T * math.sqrt(1 + sigmas[0] ** 2)
    nfe = 0
    for i in range(num_steps):
        s, s_next = sigmas[i], sigmas[i + 1]
        eps, x0, parts = _denoise(model, x, s, ts[i], clip_x0)
        d = (x - x0) / s
        x_next = x + (s_next - s) * d
        nfe += 1
        if s_next > 0:
            _, x0_2, _ = _denoise(model, x_next, s_next, ts[i + 1], clip_x0)
            d_2 = (x_next - x0_2) / s_next
            x_next = x + (s_next - s) * (d + d_2) / 2
            nfe += 1
        t_next = ts[i + 1] if i + 1 < num_steps else -1.0
        yield Step(i, num_steps, ts[i], t_next, _vp(x, s), eps, x0, _vp(x_next, s_next), nfe, parts)
        x = x_next


def euler_on_grid(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[int]) -> Iterator[Step]:
    """Euler on the probability-flow ODE dy/dsigma = eps(y / sqrt(1 + sigma^2), t(sigma)) in the variables
    y = x / sqrt(ab) and sigma = sqrt(1 - ab) / sqrt(ab), on the given network timesteps (then to the clean end,
    sigma = 0). On DDIM's own grid this is DDIM with eta = 0, step for step (Song, Meng & Ermon 2021, section 4.3):
    DDIM's x_{t'} = sqrt(ab') x0 + sqrt(1 - ab') eps divided by sqrt(ab') is y + (sigma' - sigma) eps."""
    sig = [math.sqrt((1 - schedule.alphas_cumprod[t].item()) / schedule.alphas_cumprod[t].item()) for t in timesteps]
    sig.append(0.0)
    y = x_T * math.sqrt(1 + sig[0] ** 2)
    for i, t in enumerate(timesteps):
        eps, parts = call_model(model, _vp(y, sig[i]), t)
        y_next = y + (sig[i + 1] - sig[i]) * eps                                  # Euler: dy = eps dsigma
        t_next = float(timesteps[i + 1]) if i + 1 < len(timesteps) else -1.0
        yield Step(i, len(timesteps), float(t), t_next, _vp(y, sig[i]), eps, y - sig[i] * eps,
                   _vp(y_next, sig[i + 1]), i + 1, parts)
        y = y_next
