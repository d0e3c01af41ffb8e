"""DDPM ancestral sampling (Ho et al. 2020, algorithm 2), on all 1000 steps or a strided subset."""
from __future__ import annotations

import math
from typing import Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, call_model, fresh_noise, x0_from_eps
from .grids import alpha_bar_at


def ddpm(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[float], *,
         clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """x_{t'} ~ q(x_{t'} | x_t, x0_pred): the posterior mean (eq. 7) plus fresh noise of variance beta~.

    On a grid of fewer than T steps the jump t -> t' uses beta = 1 - ab_t / ab_t' (as diffusers does).
    The fresh noise is why ancestral samples differ from run to run even from the same x_T.
    """
    ts = [float(t) for t in timesteps]
    x = x_T
    for i, t in enumerate(ts):
        t_prev = ts[i + 1] if i + 1 < len(ts) else -1
        ab, ab_prev = alpha_bar_at(schedule, t), alpha_bar_at(schedule, t_prev)
        beta = 1.0 - ab / ab_prev
        eps, parts = call_model(model, x, t)
        x0 = x0_from_eps(x, eps, ab, clip=clip_x0)
        # posterior mean mu~(x_t, x_0), Ho et al. eq. 7
        mean = (math.sqrt(ab_prev) * beta / (1 - ab)) * x0 + (math.sqrt(1 - beta) * (1 - ab_prev) / (1 - ab)) * x
        var = (1 - ab_prev) / (1 - ab) * beta                      # beta~, "fixed_small"
        x_next = mean + math.sqrt(var) * fresh_noise(x, generator) if t_prev >= 0 else mean
        yield Step(i, len(ts), float(t), float(t_prev), x, eps, x0, x_next, i + 1, parts)
        x = x_next
