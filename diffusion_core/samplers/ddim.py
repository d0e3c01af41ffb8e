"""DDIM (Song et al. 2021, eq. 12): eta = 0 is deterministic, eta = 1 re-noises like DDPM."""
from __future__ import annotations

import math
from typing import Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, call_model, eps_from_x0, fresh_noise, x0_from_eps
from .grids import alpha_bar_at


def ddim(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[float], *, eta: float = 0.0,
         clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """x_{t'} = sqrt(ab_t') x0_pred + sqrt(1 - ab_t' - sigma^2) eps_pred + sigma z.

    sigma = eta * sqrt((1 - ab_t') / (1 - ab_t)) * sqrt(1 - ab_t / ab_t') (eq. 16). Steps go from each timestep of
    the grid to the next (its own: grids.trailing; x_T is at the grid's first timestep, so a grid that starts
    lower denoises a partly noised picture). With clip_x0 the noise is recomputed from the clipped x0 (diffusers'
    use_clipped_model_output).
    """
    if not 0.0 <= eta <= 1.0:
        raise ValueError(f"eta must be in [0, 1], got {eta}")
    ts = [float(t) for t in timesteps]
    x = x_T
    for i, t in enumerate(ts):
        t_prev = ts[i + 1] if i + 1 < len(ts) else -1
        ab, ab_prev = alpha_bar_at(schedule, t), alpha_bar_at(schedule, t_prev)
        eps, parts = call_model(model, x, t)
        x0 = x0_from_eps(x, eps, ab, clip=clip_x0)
        eps_used = eps_from_x0(x, x0, ab) if clip_x0 else eps
        sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab) * (1 - ab / ab_prev))
        x_next = math.sqrt(ab_prev) * x0 + math.sqrt(max(1 - ab_prev - sigma**2, 0.0)) * eps_used
        if eta > 0:
            x_next = x_next + sigma * fresh_noise(x, generator)
        yield Step(i, len(ts), float(t), float(t_prev), x, eps, x0, x_next, i + 1, parts)
        x = x_next
