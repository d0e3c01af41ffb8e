"""Samplers: generators of Steps over a noise-predicting model, and a registry that names them.

Every sampler has the signature ``fn(model, schedule, x_T, timesteps, *, clip_x0, generator, ...)``: the grid of
network timesteps it visits is an argument (grids.py builds them), and it yields one ``Step`` per step. A new
sampler is one file and one line in SAMPLERS. ``run()`` picks a sampler and its grid by name; ``sample()`` runs one
to the end with an optional callback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import torch
from torch import Tensor

from ..schedule import NoiseSchedule
from .base import Model, Step, x0_from_eps
from .ddim import ddim
from .ddpm import ddpm
from .dpm_solver import dpmpp_2m
from .grids import GRIDS, Grid, karras, trailing
from .karras import euler, heun

MAX_STEPS = 1000


@dataclass(frozen=True)
class SamplerInfo:
    fn: Callable[..., Iterator[Step]]
    default_steps: int
    stochastic: bool              # draws fresh noise while sampling
    label: str
    grid: str                     # its own grid, a key of grids.GRIDS
    calls_per_step: int = 1       # network calls a step; a two-call step's last one (to the clean end) makes one
    options: tuple[str, ...] = ()  # keyword options beyond clip_x0 and generator

    def nfe(self, num_steps: int) -> int:
        """Network calls for a run of num_steps."""
        return self.calls_per_step * num_steps - (self.calls_per_step - 1)


SAMPLERS: dict[str, SamplerInfo] = {
    "ddpm": SamplerInfo(ddpm, 1000, True, "DDPM", "trailing"),
    "ddim": SamplerInfo(ddim, 50, False, "DDIM", "trailing", options=("eta",)),
    "euler": SamplerInfo(euler, 30, False, "Euler", "karras"),
    "heun": SamplerInfo(heun, 10, False, "Heun", "karras", calls_per_step=2),
    "dpmpp2m": SamplerInfo(dpmpp_2m, 20, False, "DPM-Solver++(2M)", "trailing"),
}


def timesteps_of(sampler: str, schedule: NoiseSchedule, num_steps: int, grid: str | None = None) -> list[float]:
    """The network timesteps a run visits, one per step: on ``grid`` (a key of grids.GRIDS), or by default on the
    sampler's own grid (fractional on the Karras grid)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose from {sorted(SAMPLERS)}")
    name = grid or SAMPLERS[sampler].grid
    if name not in GRIDS:
        raise ValueError(f"unknown grid {name!r}; choose from {sorted(GRIDS)}")
    return GRIDS[name](schedule, num_steps)


def start_noise(shape: tuple[int, ...], seed: int, device: torch.device | str = "cpu") -> tuple[Tensor, torch.Generator]:
    """x_T ~ N(0, I) from a seeded CPU generator, and that generator (it goes on to feed the sampler)."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randn(shape, generator=gen).to(device), gen


def run(model: Model, schedule: NoiseSchedule, x_T: Tensor, *, sampler: str = "ddim", num_steps: int | None = None,
        grid: str | None = None, timesteps: list[float] | None = None, generator: torch.Generator | None = None,
        **kw) -> Iterator[Step]:
    """The named sampler's Step generator, with its arguments checked: on ``timesteps`` if given, else on
    num_steps (default: the sampler's own) of ``grid`` (default: the sampler's own)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose from {sorted(SAMPLERS)}")
    info = SAMPLERS[sampler]
    if unknown := set(kw) - {"clip_x0", *info.options}:
        raise ValueError(f"{sampler} takes no {sorted(unknown)}")
    if timesteps is None:
        n = info.default_steps if num_steps is None else int(num_steps)
        if not 1 <= n <= MAX_STEPS:
            raise ValueError(f"num_steps must be in [1, {MAX_STEPS}], got {n}")
        timesteps = timesteps_of(sampler, schedule, n, grid)
    return info.fn(model, schedule, x_T, timesteps, generator=generator, **kw)


@torch.inference_mode()
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


__all__ = ["GRIDS", "Grid", "SAMPLERS", "SamplerInfo", "Step", "Model", "ddim", "ddpm", "dpmpp_2m", "euler", "heun",
           "karras", "run", "sample", "start_noise", "timesteps_of", "trailing", "x0_from_eps"]
