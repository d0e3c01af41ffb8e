"""The ideal denoiser of a finite training set: the exact minimiser of the training loss.

For training images x^(1..N), the noise prediction that minimises E||eps - eps_theta(x_t, t)||^2
is eps* = (x_t - sqrt(ab_t) E[x_0 | x_t]) / sqrt(1 - ab_t), with the posterior mean over the set

    E[x_0 | x_t] = sum_i w_i x^(i),   w = softmax_i( -||x_t - sqrt(ab_t) x^(i)||^2 / (2 (1 - ab_t)) ).

(Karras et al. 2022, eq. 57; Kadkhodaie et al. 2024.) Sampling with it can only reproduce training
images: a network generalises because it cannot fit this function exactly. ``hybrid`` lets the
ideal denoiser take the noisy steps and a model the rest, to find the noise levels where a model
goes wrong.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from .schedule import NoiseSchedule

Model = Callable[[Tensor, Tensor], Tensor]


def ideal_denoiser(data: Tensor, schedule: NoiseSchedule) -> Model:
    """eps*(x_t, t) for the images ``data`` [N, C, H, W] at network timesteps t [B] (one t per batch)."""
    flat = data.reshape(len(data), -1).double()                     # [N, D]
    sq = (flat**2).sum(1)                                            # [N]

    def eps(x: Tensor, t: Tensor) -> Tensor:
        ab = alpha_bar_at(schedule, float(t[0]))
        xf = x.reshape(len(x), -1).double()                         # [B, D]
        ys, ysq = flat.to(x.device), sq.to(x.device)
        d2 = (xf**2).sum(1, keepdim=True) - 2 * ab**0.5 * xf @ ys.T + ab * ysq[None]    # [B, N]
        w = torch.softmax(-d2 / (2 * (1 - ab)), dim=1)
        x0 = w @ ys                                                # E[x_0 | x_t]   [B, D]
        return ((xf - ab**0.5 * x0) / (1 - ab) ** 0.5).reshape(x.shape).to(x.dtype)

    return eps


def alpha_bar_at(schedule: NoiseSchedule, t: float) -> float:
    """alphas_cumprod at a network timestep; between integers log-sigma is interpolated (the Karras grid's rule)."""
    acp = schedule.alphas_cumprod.double()
    lo = min(int(t), len(acp) - 2)
    w = t - lo
    log_sigma = (1 - w) * ((1 - acp[lo]) / acp[lo]).log() / 2 + w * ((1 - acp[lo + 1]) / acp[lo + 1]).log() / 2
    return float(1.0 / (1.0 + (2 * log_sigma).exp()))


def hybrid(above: Model, below: Model, tau: float) -> Model:
    """``above`` for network timesteps t > tau, ``below`` for the rest."""
    return lambda x, t: above(x, t) if float(t[0]) > tau else below(x, t)
