"""Samplers: generators of Steps over a noise-predicting model, and a registry that names them.

Every sampler has the signature ``fn(model, schedule, x_T, num_steps, *, clip_x0, generator, ...)``
and yields one ``Step`` per step; ``sample()`` runs one to the end with an optional callback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, karras_grid, trailing_timesteps, x0_from_eps
from .ddim import ddim
from .ddpm import ddpm
from .dpm_solver import dpmpp_2m
from .karras import euler, heun

MAX_STEPS = 1000


@dataclass(frozen=True)
class SamplerInfo:
    fn: Callable[..., Iterator[Step]]
    default_steps: int
    stochastic: bool          # draws fresh noise while sampling
    label: str

    def nfe(self, num_steps: int) -> int:
        """Network calls for a run of num_steps."""
        return 2 * num_steps - 1 if self.fn is heun else num_steps


SAMPLERS: dict[str, SamplerInfo] = {
    "ddpm": SamplerInfo(ddpm, 1000, True, "DDPM"),
    "ddim": SamplerInfo(ddim, 50, False, "DDIM"),
    "euler": SamplerInfo(euler, 30, False, "Euler"),
    "heun": SamplerInfo(heun, 10, False, "Heun"),
    "dpmpp2m": SamplerInfo(dpmpp_2m, 20, False, "DPM-Solver++(2M)"),
}


def timesteps_of(sampler: str, schedule: NoiseSchedule, num_steps: int) -> list[float]:
    """The network timesteps a sampler visits, one per step (fractional on the Karras grid)."""
    if sampler in ("euler", "heun"):
        return karras_grid(schedule, num_steps)[1]
    return [float(t) for t in trailing_timesteps(schedule.num_steps, num_steps)]


def start_noise(shape: tuple[int, ...], seed: int, device: torch.device | str = "cpu") -> tuple[Tensor, torch.Generator]:
    """x_T ~ N(0, I) from a seeded CPU generator, and that generator (it goes on to feed the sampler)."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randn(shape, generator=gen).to(device), gen


def run(model: Model, schedule: NoiseSchedule, x_T: Tensor, *, sampler: str = "ddim", num_steps: int | None = None,
        generator: torch.Generator | None = None, **kw) -> Iterator[Step]:
    """The named sampler's Step generator, with its arguments checked."""
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose from {sorted(SAMPLERS)}")
    info = SAMPLERS[sampler]
    n = info.default_steps if num_steps is None else int(num_steps)
    if not 1 <= n <= MAX_STEPS:
        raise ValueError(f"num_steps must be in [1, {MAX_STEPS}], got {n}")
    return info.fn(model, schedule, x_T, n, generator=generator, **kw)


def sample(model: Model, schedule: NoiseSchedule, *, sampler: str = "ddim", num_steps: int | None = None,
           shape: tuple[int, ...], seed: int = 0, device: torch.device | str = "cpu",
           callback: Callable[[Step], None] | None = None, **kw) -> Tensor:
    """Run a sampler from seeded noise to the end and return x_0 [shape]; callback(step) after each step."""
    x, gen = start_noise(shape, seed, device)
    for step in run(model, schedule, x, sampler=sampler, num_steps=num_steps, generator=gen, **kw):
        if callback is not None:
            callback(step)
        x = step.x_next
    return x


__all__ = ["SAMPLERS", "SamplerInfo", "Step", "Model", "ddim", "ddpm", "dpmpp_2m", "euler", "heun", "run",
           "sample", "start_noise", "timesteps_of", "karras_grid", "trailing_timesteps", "x0_from_eps"]
