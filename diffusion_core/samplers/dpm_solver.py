"""DPM-Solver++(2M) (Lu et al. 2022, algorithm 2): a multistep solver in log-SNR time on x0 predictions."""
from __future__ import annotations

import math
from typing import Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, call_model, x0_from_eps
from .grids import alpha_bar_at


def dpmpp_2m(model: Model, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[float], *,
             clip_x0: bool = False, generator: torch.Generator | None = None) -> Iterator[Step]:
    """With alpha_t = sqrt(ab_t), sigma_t = sqrt(1 - ab_t), lambda_t = log(alpha_t / sigma_t), h = lambda_t' - lambda_t:

        x_t' = (sigma_t' / sigma_t) x_t - alpha_t' (e^{-h} - 1) D,   D = x0 + (x0 - x0_prev) / (2 r),

    r = h_prev / h (second order, "midpoint" form of diffusers). The first step and the last
    step (to sigma = 0, where the update returns x0 itself) are first order: D = x0.
    The previous x0 is a local variable: the sampler keeps no state between runs.
    """
    ts = [float(t) for t in timesteps]

    def lam(t: float) -> float:
        ab = alpha_bar_at(schedule, t)
        return math.inf if ab >= 1.0 else 0.5 * math.log(ab / (1 - ab))

    x, x0_prev, h_prev = x_T, None, None
    for i, t in enumerate(ts):
        t_next = ts[i + 1] if i + 1 < len(ts) else -1
        ab, ab_next = alpha_bar_at(schedule, t), alpha_bar_at(schedule, t_next)
        eps, parts = call_model(model, x, t)
        x0 = x0_from_eps(x, eps, ab, clip=clip_x0)
        if t_next < 0:
            x_next = x0                                           # sigma_t' = 0: the update is x0
        else:
            h = lam(t_next) - lam(t)
            d = x0 if x0_prev is None else x0 + (x0 - x0_prev) * (h / h_prev) / 2
            x_next = math.sqrt((1 - ab_next) / (1 - ab)) * x - math.sqrt(ab_next) * math.expm1(-h) * d
            h_prev = h
        yield Step(i, len(ts), float(t), float(t_next), x, eps, x0, x_next, i + 1, parts)
        x, x0_prev = x_next, x0
