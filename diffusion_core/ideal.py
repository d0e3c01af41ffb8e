"""The ideal denoiser of a finite training set: the exact minimiser of the training loss.

For training images x^(1..N), the noise prediction that minimises E||eps - eps_theta(x_t, t)||^2
is eps* = (x_t - sqrt(ab_t) E[x_0 | x_t]) / sqrt(1 - ab_t), with the posterior mean over the set

    E[x_0 | x_t] = sum_i w_i x^(i),   w = softmax_i( -||x_t - sqrt(ab_t) x^(i)||^2 / (2 (1 - ab_t)) ).

(Karras et al. 2022, eq. 57; Kadkhodaie et al. 2024.) Sampling with it can only reproduce training
images: a network generalises because it cannot fit this function exactly. ``hybrid`` lets the
ideal denoiser take the noisy steps and a model the rest, to find the noise levels where a model
goes wrong.

``gaussian_denoiser`` is the exact minimiser when x_0 is Gaussian (a picture's spectrum, no phases): its guess is
the Wiener filter, and the DDIM reform it leads to has a closed form too (``gaussian_flow_map``), a yardstick for
how much squared error a sharp reform pays over the guess, up to twice as much.
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


def gaussian_denoiser(mean: Tensor, power: Tensor, schedule: NoiseSchedule) -> Model:
    """eps*(x_t, t) when x_0 is Gaussian: ``mean`` [C, 1, 1] plus independent Fourier coefficients (fft2, ortho)
    of variances ``power`` [C, H, W]. Its E[x_0 | x_t] is the Wiener filter, a P / (a^2 P + s^2) per coefficient
    (a = sqrt(ab_t), s^2 = 1 - ab_t), and DDIM with it integrates the probability-flow ODE (DDIM is its Euler
    method: Song, Meng & Ermon 2021, section 4.3), whose map from x_t to x_0 is sqrt(P) / sqrt(a^2 P + s^2) per
    coefficient (``gaussian_flow_map``)."""
    def eps(x: Tensor, t: Tensor) -> Tensor:
        ab = alpha_bar_at(schedule, float(t[0]))
        a, s2 = ab**0.5, 1.0 - ab
        p = power.to(x.device, torch.float64)
        x0 = _fourier_map(x, a, mean, a * p / (a * a * p + s2))                    # Wiener: E[x_0 | x_t]
        return ((x.double() - a * x0) / s2**0.5).to(x.dtype)

    return eps


def gaussian_flow_map(x_t: Tensor, ab: float, mean: Tensor, power: Tensor) -> Tensor:
    """Where the probability-flow ODE of that Gaussian takes x_t [..., C, H, W] (at alpha_bar ``ab``) at t = 0."""
    a, p = ab**0.5, power.to(x_t.device, torch.float64)
    return _fourier_map(x_t, a, mean, p.sqrt() / (a * a * p + 1.0 - ab).sqrt())


def _fourier_map(x_t: Tensor, a: float, mean: Tensor, gain: Tensor) -> Tensor:
    """mean + the coefficients of x_t - a mean [..., C, H, W], each scaled by its ``gain`` [C, H, W] -> float64."""
    m = mean.to(x_t.device, torch.float64)
    return m + torch.fft.ifft2(gain * torch.fft.fft2(x_t.double() - a * m, norm="ortho"), norm="ortho").real


def spectrum_of(x0: Tensor) -> tuple[Tensor, Tensor]:
    """(mean [C, 1, 1], power [C, H, W]) of one picture x0 [C, H, W]: the Gaussian that knows its second-order
    statistics exactly (every Fourier coefficient's magnitude, none of the phases)."""
    mean = x0.double().mean(dim=(-2, -1), keepdim=True)
    return mean, torch.fft.fft2(x0.double() - mean, norm="ortho").abs() ** 2


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
