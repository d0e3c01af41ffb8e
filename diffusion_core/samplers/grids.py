"""Timestep grids: the network timesteps a sampler visits, one per step, from the noisy end down (after the last
the sampler steps to the clean end, t = -1). A grid is a plain function ``grid(schedule, num_steps) -> [float]``,
handed to a sampler as an argument (k-diffusion's ``sample_euler(model, x, sigmas)``), so any sampler runs on any
grid and a race can hold the grid fixed while the solver changes.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..schedule import NoiseSchedule

Grid = Callable[[NoiseSchedule, int], list[float]]


def trailing(schedule: NoiseSchedule, num_steps: int, t_start: int | None = None) -> list[float]:
    """Evenly spaced network timesteps that start at T-1 ("trailing" spacing, Lin et al. 2023, table 2).

    num_steps = 10, T = 1000 -> [999, 899, ..., 99]. With ``t_start`` the grid spans t_start..0 instead (to denoise
    a partly noised image); it never has more steps than timesteps.
    """
    num_train = schedule.num_steps
    top = num_train if t_start is None else int(t_start) + 1
    if not 1 <= top <= num_train:
        raise ValueError(f"t_start must be in [0, {num_train - 1}], got {t_start}")
    num_steps = min(num_steps, top)
    ratio = top / num_steps
    return [float(int(v) - 1) for v in np.arange(top, 0, -ratio).round()][:num_steps]


def karras_sigmas(schedule: NoiseSchedule, num_steps: int, rho: float = 7.0) -> list[float]:
    """Karras et al. 2022 (eq. 5): num_steps noise levels sigma = sqrt((1 - ab) / ab) from the schedule's largest to
    its smallest, evenly spaced in sigma^(1/rho) (dense near the clean end)."""
    sig_all = sigmas_of(schedule)
    lo, hi = sig_all[0] ** (1 / rho), sig_all[-1] ** (1 / rho)
    return [float(s) for s in (hi + np.linspace(0, 1, num_steps) * (lo - hi)) ** rho]


def karras(schedule: NoiseSchedule, num_steps: int) -> list[float]:
    """The (fractional) network timesteps of the Karras noise levels."""
    log_sigmas = np.log(sigmas_of(schedule))
    return [sigma_to_t(s, log_sigmas) for s in karras_sigmas(schedule, num_steps)]


GRIDS: dict[str, Grid] = {"trailing": trailing, "karras": karras}


def sigmas_of(schedule: NoiseSchedule) -> np.ndarray:
    """[T] float64 sigma = sqrt((1 - ab) / ab) of every network timestep (increasing)."""
    ab = schedule.alphas_cumprod.double().numpy()
    return np.sqrt((1 - ab) / ab)


def sigma_to_t(sigma: float, log_sigmas: np.ndarray) -> float:
    """The fractional network timestep whose log-sigma (linearly interpolated) equals log(sigma)."""
    log_sigma = math.log(max(sigma, 1e-10))
    low = int(np.clip(np.searchsorted(log_sigmas, log_sigma, side="right") - 1, 0, len(log_sigmas) - 2))
    w = (log_sigmas[low] - log_sigma) / (log_sigmas[low] - log_sigmas[low + 1])
    w = min(max(w, 0.0), 1.0)
    return float(low + w)


def sigma_at(schedule: NoiseSchedule, t: float) -> float:
    """sigma of a network timestep (0 at the clean end, t = -1): the table's at a whole t, log-linear between two
    (the inverse of sigma_to_t)."""
    if t < 0:
        return 0.0
    low = min(int(math.floor(t)), schedule.num_steps - 1)
    w = t - low
    if w == 0.0:
        ab = float(schedule.alphas_cumprod[low])
        return math.sqrt((1 - ab) / ab)
    ab = schedule.alphas_cumprod[low:low + 2].double().numpy()                   # the two timesteps around t
    log_sigmas = 0.5 * np.log((1 - ab) / ab)
    return float(math.exp(log_sigmas[0] + w * (log_sigmas[1] - log_sigmas[0])))


def alpha_bar_at(schedule: NoiseSchedule, t: float) -> float:
    """alphas_cumprod at a network timestep: the table's at a whole t, 1 / (1 + sigma^2) between two, 1.0 at t = -1."""
    if t < 0:
        return 1.0
    if float(t).is_integer():
        return float(schedule.alphas_cumprod[int(t)])
    return 1.0 / (1.0 + sigma_at(schedule, t) ** 2)
