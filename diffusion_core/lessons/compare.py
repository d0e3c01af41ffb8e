"""Racing samplers from the same starting noise: one cell per (method, steps).

A method is a diffusion sampler on the picked noise-predicting net (samplers.SAMPLERS), or an ODE solver on the
flow-matching net (flow.FLOW_SAMPLERS, cells "flow_euler", "flow_heun"): the same x_T feeds both kinds.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import torch

from ..flow import FLOW_SAMPLERS, T_SCALE, diffusion_timesteps, shifted_grid
from ..media import frames as media
from ..models.data import to_uint8
from ..samplers import SAMPLERS, MAX_STEPS, Model, run, start_noise, timesteps_of
from ..samplers.grids import sigmas_of
from ..schedule import NoiseSchedule


@dataclass(frozen=True)
class Method:
    """What a cell runs: its label, its network calls for a step count, and for a flow net's cell its solver (a key
    of flow.FLOW_SAMPLERS; "" for a diffusion sampler on the picked net)."""
    label: str
    nfe: Callable[[int], int]
    flow_solver: str = ""

    @property
    def flow(self) -> bool:
        return bool(self.flow_solver)


METHODS: dict[str, Method] = {
    **{name: Method(info.label, info.nfe) for name, info in SAMPLERS.items()},
    "flow_euler": Method("Flow · Euler", lambda n: n, flow_solver="euler"),
    "flow_heun": Method("Flow · Heun", lambda n: 2 * n - 1, flow_solver="heun"),   # its last step is plain Euler
}

DEFAULT_CELLS: tuple[tuple[str, int], ...] = (
    ("dpmpp2m", 5), ("dpmpp2m", 10), ("ddim", 10), ("heun", 10), ("dpmpp2m", 20), ("ddim", 20),
    ("euler", 20), ("euler", 30), ("ddim", 50), ("ddpm", 1000), ("flow_euler", 10))
EXTRA_CELLS: tuple[tuple[str, int], ...] = (("ddim", 5), ("euler", 10), ("heun", 5), ("dpmpp2m", 50), ("ddpm", 100),
                                            ("ddim", 100), ("ddim", 1000), ("flow_euler", 5), ("flow_euler", 20),
                                            ("flow_heun", 5))
MAX_CELLS = 16


def cell_key(sampler: str, steps: int) -> str:
    return f"{sampler}:{steps}"


def parse_cell(key: str) -> tuple[str, int]:
    """"ddim:50" -> ("ddim", 50); ValueError if the method or step count is not allowed."""
    name, _, steps = str(key).partition(":")
    if name not in METHODS or not steps.isdigit() or not 1 <= int(steps) <= MAX_STEPS:
        raise ValueError(f"not a cell: {key!r}")
    return name, int(steps)


def timesteps(method: str, schedule: NoiseSchedule, steps: int, grid: str | None = None,
              flow_shift: float = 1.0) -> list[float]:
    """The network times a cell's method visits, one per step: a diffusion sampler's on ``grid`` (None: its own),
    a flow solver's s on the same 0..999 scale (its grid shifted by ``flow_shift``)."""
    if METHODS[method].flow:
        return [s * T_SCALE for s in shifted_grid(steps, flow_shift)[:-1]]
    return timesteps_of(method, schedule, steps, grid)


def noise_levels(method: str, schedule: NoiseSchedule, steps: int, grid: str | None = None,
                 flow_shift: float = 1.0) -> list[float]:
    """The noise levels a cell visits, as timesteps of the diffusion schedule: a diffusion sampler's own timesteps;
    for a flow solver, each s at the timestep of the same noise-to-signal ratio (x_s / (1 - s) = x_0 + sigma eps
    with sigma = s / (1 - s), as x_t / sqrt(ab) = x_0 + sigma eps with sigma = sqrt(1 - ab) / sqrt(ab)), so both
    kinds can be drawn on one alpha-bar curve (s = 1, pure noise, past the schedule's noisiest level: at T - 1)."""
    if not METHODS[method].flow:
        return timesteps_of(method, schedule, steps, grid)
    levels = diffusion_timesteps(np.array(shifted_grid(steps, flow_shift)[:-1]), np.log(sigmas_of(schedule)))
    return [float(t) for t in levels]


@dataclass(frozen=True)
class CellResult:
    sampler: str
    steps: int
    nfe: int                 # network calls counted while it ran
    seconds: float
    picture: np.ndarray      # uint8 grid of its digits
    digits: np.ndarray       # uint8 [N, 28, 28]


class CountingModel:
    """Wraps a model and counts its calls (the NFE a sampler really used)."""

    def __init__(self, model: Model):
        self.model, self.calls = model, 0

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return self.model(x, t)


@dataclass(frozen=True)
class RaceEvent:
    key: str                        # "sampler:steps"
    step: int                       # steps done in this cell
    num_steps: int
    result: CellResult | None       # set when the cell is finished


def race(model: Model, schedule: NoiseSchedule, cells: list[tuple[str, int]], *, seed: int, n: int,
         shape: tuple[int, int, int] = (1, 28, 28), device: torch.device | str = "cpu",
         report_every: int = 50, flow_model: Model | None = None, grid: str | None = None,
         flow_shift: float = 1.0) -> Iterator[RaceEvent]:
    """Run each cell from the same x_T (fresh noise for stochastic samplers comes from seed + 1); a flow cell on
    ``flow_model`` (the velocity net, on its grid shifted by ``flow_shift``), every other on ``model``: on ``grid``
    (a key of samplers.GRIDS: every diffusion cell visits the same timesteps for its step count) or, when None,
    each sampler on its own grid.

    Yields a progress event every ``report_every`` steps of a long cell, and one with the result
    as each cell finishes.
    """
    if flow_model is None and any(METHODS[name].flow for name, _ in cells):
        raise ValueError("a flow cell needs the flow-matching net (flow_model)")
    x_T, _ = start_noise((n, *shape), seed, device)
    for name, steps in cells:
        solver = METHODS[name].flow_solver
        counted = CountingModel(flow_model if solver else model)
        gen = torch.Generator().manual_seed(int(seed) + 1)
        t0 = time.perf_counter()
        x = x_T
        steps_of = (FLOW_SAMPLERS[solver](counted, x_T, shifted_grid(steps, flow_shift)) if solver else
                    run(counted, schedule, x_T, sampler=name, num_steps=steps, grid=grid, generator=gen))
        for st in steps_of:
            x = st.x_next
            if (st.index + 1) % report_every == 0 and st.index + 1 < st.num_steps:
                yield RaceEvent(cell_key(name, steps), st.index + 1, st.num_steps, None)
        digits = to_uint8(x)
        result = CellResult(name, steps, counted.calls, time.perf_counter() - t0, media.grid(digits, cols=min(n, 4)),
                            digits)
        yield RaceEvent(cell_key(name, steps), steps, steps, result)
