"""Euler and Heun (Karras et al. 2022, algorithms 1-2), k-diffusion style; their own grid is grids.karras.

They integrate the probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma for the rescaled
sample x = x_vp / sqrt(ab) = x_vp * sqrt(1 + sigma^2), sigma = sqrt(1 - ab) / sqrt(ab), from the sigma of each
grid timestep to the next (0 after the last). The network still sees the DDPM-scale input x / sqrt(1 + sigma^2)
at the (fractional) timestep. Steps report DDPM-scale samples.

On DDIM's grid, Euler is DDIM with eta = 0, step for step (Song, Meng & Ermon 2021, section 4.3): D = x - sigma eps
makes Euler's step x + (sigma' - sigma) eps, and DDIM's x_{t'} = sqrt(ab') x0 + sqrt(1 - ab') eps divided by
sqrt(ab') is the same.
"""
from __future__ import annotations

import math
from typing import Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, call_model
from .grids import sigma_at


def _denoise(model: Model, x: Tensor, sigma: float, t: float, clip: bool) -> tuple[Tensor, Tensor, tuple]:
    """(eps, D, the answers eps mixes) at noise level sigma: D(x; sigma) = x - sigma * eps, the x0 estimate."""
    eps, parts = call_model(model, x / math.sqrt(1 + sigma**2), t)
    x0 = x - sigma * eps
    return eps, (x0.clamp(-1, 1) if clip else x0), parts


def _vp(x: Tensor, sigma: float) -> Tensor:
    return x / math.sqrt(1 + sigma**2)


def _sigmas(schedule: NoiseSchedule, timesteps: list[float]) -> tuple[list[float], list[float]]:
    """The grid's timesteps as floats, and their sigmas with 0 (the clean end) appended."""
    ts = [float(t) for t in timesteps]
    return [sigma_at(schedule, t) for t in ts] + [0.0], ts


def euler(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[float], *,
          clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """x_{i+1} = x_i + (sigma_{i+1} - sigma_i) d_i with d_i = (x_i - D(x_i; sigma_i)) / sigma_i."""
    sigmas, ts = _sigmas(schedule, timesteps)
    num_steps = len(ts)
    x = x_T * math.sqrt(1 + sigmas[0] ** 2)
    for i in range(num_steps):
        s, s_next = sigmas[i], sigmas[i + 1]
        eps, x0, parts = _denoise(model, x, s, ts[i], clip_x0)
        x_next = x + (s_next - s) * (x - x0) / s
        t_next = ts[i + 1] if i + 1 < num_steps else -1.0
        yield Step(i, num_steps, ts[i], t_next, _vp(x, s), eps, x0, _vp(x_next, s_next), i + 1, parts)
        x = x_next


def heun(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[float], *,
         clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """Euler predictor, then the trapezoid corrector with the slope at the predicted point.

    Two network calls per step except the last (to sigma = 0), which is plain Euler: NFE = 2N - 1.
    """
    sigmas, ts = _sigmas(schedule, timesteps)
    num_steps = len(ts)
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
