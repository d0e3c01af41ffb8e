"""Flow matching beside diffusion on 2-D points: the same MLP, data, seconds and seed; their ODE paths from the
same noise, how many of their particles land in the shape after 1 to 32 steps, and rectified flow's "reflow".

Diffusion learns the noise eps of x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps and samples by DDIM, which is the
Euler method of its probability-flow ODE (samplers.euler on DDIM's grid). Flow matching learns the velocity
v = eps - x_0 of the straight line x_s = (1 - s) x_0 + s eps and samples by Euler on dx/ds = v (diffusion_core.flow).
Reflow (Liu et al. 2023) trains the flow net once more on the pairs (noise, where the flow ODE carries it): the
lines between coupled pairs cross less than those between random pairs, so the new paths are straighter, and an
Euler step is exact on a straight path.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import Tensor, nn

from .. import flow
from ..samplers import ddim, euler, start_noise, trailing
from ..schedule import NoiseSchedule
from . import points

KINDS = ("diffusion", "flow")
STEP_COUNTS = (1, 2, 4, 8, 16, 32)      # the chart's ODE steps
REFLOW_PAIRS, REFLOW_STEPS = 20000, 16  # the flow ODE (Heun, 31 calls) from this much fresh noise makes the pairs
REFLOW_LR = 3e-3                        # reflow fine-tunes the flow net (Liu et al. start 2-rectified flow from it)


def train_flow(model: points.PointDenoiser, data: np.ndarray, *, seconds: float, seed: int = 0, batch: int = 512,
               lr: float = 1e-2, noise: np.ndarray | None = None, report_every: float = 0.5,
               steps: int | None = None) -> Iterator[points.TrainTick]:
    """Conditional flow matching for ``seconds`` of wall time, as ``points.train_points`` trains diffusion: per point a
    random s ~ U(0, 1), x_s = (1 - s) x_0 + s eps, loss |v_theta(x_s, s) - (eps - x_0)|^2. Without ``noise`` each x_0
    meets fresh noise; with it (reflow) point i of ``data`` is always paired with ``noise[i]``."""
    x_all = torch.from_numpy(data).float()
    eps_all = None if noise is None else torch.from_numpy(noise).float()

    def batch_loss(gen: torch.Generator) -> Tensor:
        pick = torch.randint(0, len(x_all), (batch,), generator=gen)
        x0, s = x_all[pick], torch.rand(batch, generator=gen)
        eps = torch.randn(x0.shape, generator=gen) if eps_all is None else eps_all[pick]
        return flow.flow_loss(model(flow.interpolate(x0, eps, s), s * flow.T_SCALE), x0, eps)

    return points.fit(model, batch_loss, seconds=seconds, seed=seed, lr=lr, report_every=report_every, steps=steps)


def _frozen(model: nn.Module):
    """The net as a sampler's model, without autograd (per call: grad mode belongs to the calling thread)."""
    def call(x: Tensor, t: Tensor) -> Tensor:
        with torch.no_grad():
            return model(x, t)
    return call


def noise(n: int, seed: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """The starting particles of every run: n draws of N(0, I) as the samplers draw them, [n, 2, 1, 1]."""
    return start_noise((n, 2, 1, 1), seed)[0].to(dtype)


def _trace(x_T: Tensor, steps) -> np.ndarray:
    """The positions a run visits: x_T, then each step's x_next: [steps + 1, N, 2]."""
    xs = [x_T] + [st.x_next for st in steps]
    return torch.stack([x.reshape(len(x_T), 2) for x in xs]).numpy()


def paths(kind: str, model: nn.Module, schedule: NoiseSchedule, x_T: Tensor, steps: int) -> np.ndarray:
    """ODE paths from x_T in ``steps`` network calls: DDIM (eta = 0, its trailing grid, no clipping: the plain ODE)
    for diffusion, Euler on flow's even grid in s for flow."""
    if kind == "diffusion":
        return _trace(x_T, ddim(_frozen(model), schedule, x_T, trailing(schedule, steps)))
    if kind == "flow":
        return _trace(x_T, flow.flow_euler(_frozen(model), x_T, flow.uniform_grid(steps)))
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def flow_levels(schedule: NoiseSchedule, steps: int) -> list[int]:
    """Flow's noise levels as diffusion timesteps: for each s of flow's even grid (1, ..., 1/steps), the t whose
    signal-to-noise ratio sqrt(ab_t / (1 - ab_t)) is nearest flow's (1 - s) / s. DDIM's own grid is even in t
    instead, and on the linear schedule most of its t have almost no signal left."""
    ab = schedule.alphas_cumprod.double()
    s = torch.linspace(1.0, 0.0, steps + 1, dtype=torch.float64)[:-1]
    want = (1 - s) ** 2 / ((1 - s) ** 2 + s**2)                 # ab / (1 - ab) = ((1 - s) / s)^2
    return [int(torch.argmin((ab - w).abs())) for w in want]


def ddim_on_grid_paths(model: nn.Module, schedule: NoiseSchedule, x_T: Tensor, timesteps: list[int]) -> np.ndarray:
    """The diffusion net's paths by DDIM (= Euler on its probability-flow ODE) on the given timesteps."""
    return _trace(x_T, euler(_frozen(model), schedule, x_T, timesteps))


def euler_paths(model: nn.Module, schedule: NoiseSchedule, x_T: Tensor, steps: int) -> np.ndarray:
    """The diffusion net's paths by the Euler method on its probability-flow ODE, on DDIM's timesteps."""
    return ddim_on_grid_paths(model, schedule, x_T, trailing(schedule, steps))


def ddim_beside_euler(model: nn.Module, schedule: NoiseSchedule, x_T: Tensor,
                      steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The diffusion net's DDIM paths and its Euler paths on the probability-flow ODE, both in float64 (on a float64
    copy of the net): equal to rounding. In float32 they part by rounding alone, which the division by sqrt(ab) ~ 0.006
    at t = 999 amplifies (up to a few hundredths for a briefly trained net)."""
    net, x = copy.deepcopy(model).double(), x_T.double()
    return paths("diffusion", net, schedule, x, steps), euler_paths(net, schedule, x, steps)


def straightness(p: np.ndarray) -> float:
    """Mean over particles of (length of the path) / (distance from its start to its end): 1 = a straight line."""
    length = np.linalg.norm(np.diff(p, axis=0), axis=2).sum(0)
    chord = np.linalg.norm(p[-1] - p[0], axis=1)
    return float(np.mean(length / np.maximum(chord, 1e-9)))


@dataclass(frozen=True)
class Lab:
    """The nets of one comparison: trained on ``data`` (points of ``mask``) with the same MLP, seconds and seed."""

    diffusion: nn.Module
    flow: nn.Module
    mask: np.ndarray
    data: np.ndarray
    reflowed: nn.Module | None = None


# the runs the section races: (name, which net, how it steps); all start from the same noise
RACERS = ("ddim", "ddim_flow_levels", "flow", "reflow")


def racers(lab: Lab) -> tuple[str, ...]:
    """The runs this lab can race (reflow once it is trained)."""
    return RACERS if lab.reflowed is not None else RACERS[:-1]


def race(name: str, lab: Lab, schedule: NoiseSchedule, x_T: Tensor, steps: int) -> np.ndarray:
    """One run's paths [steps + 1, N, 2]: DDIM on its own even-in-t grid or on flow's noise levels, or Euler on the
    flow net or the reflowed one."""
    if name == "ddim":
        return paths("diffusion", lab.diffusion, schedule, x_T, steps)
    if name == "ddim_flow_levels":
        return ddim_on_grid_paths(lab.diffusion, schedule, x_T, flow_levels(schedule, steps))
    if name in ("flow", "reflow"):
        net = lab.flow if name == "flow" else lab.reflowed
        if net is None:
            raise ValueError("reflow the flow net first")
        return paths("flow", net, schedule, x_T, steps)
    raise ValueError(f"unknown run {name!r}; choose from {RACERS}")


@dataclass(frozen=True)
class Scores:
    """How the particles land after ``steps`` ODE steps: share inside the shape and spread (1 = the data's own)."""

    inside: float
    spread: float


def score(lab: Lab, end: np.ndarray, tol: float = 0.06) -> Scores:
    return Scores(points.inside_share(end, lab.mask, tol), points.spread(end, lab.data))


def scores_by_steps(name: str, lab: Lab, schedule: NoiseSchedule, x_T: Tensor,
                    counts: tuple[int, ...] = STEP_COUNTS) -> list[Scores]:
    """A run's scores after each number of ODE steps in ``counts``."""
    return [score(lab, race(name, lab, schedule, x_T, n)[-1]) for n in counts]


def reflow_pairs(model: nn.Module, n: int, seed: int, steps: int = REFLOW_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """(noise, where the flow ODE carries it) for n fresh draws: Heun in ``steps`` steps. The noise comes from its own
    seeded stream ([seed, 46]), never the particles the pictures start from."""
    z = torch.from_numpy(np.random.default_rng([seed, 46]).standard_normal((n, 2, 1, 1))).float()
    *_, last = flow.flow_heun(_frozen(model), z, flow.uniform_grid(steps))
    return z.reshape(n, 2).numpy(), last.x_next.reshape(n, 2).numpy()


def reflow(model: points.PointDenoiser, *, seconds: float, seed: int = 0, n: int = REFLOW_PAIRS,
           lr: float = REFLOW_LR, report_every: float = 0.5,
           steps: int | None = None) -> tuple[points.PointDenoiser, Iterator[points.TrainTick]]:
    """A copy of the flow net, and the generator that trains it on the flow net's own (noise, sample) pairs."""
    z, x0 = reflow_pairs(model, n, seed)
    student = copy.deepcopy(model)
    return student, train_flow(student, x0, seconds=seconds, seed=seed, lr=lr, noise=z, report_every=report_every,
                               steps=steps)


def snr1_time(kind: str, schedule: NoiseSchedule) -> float:
    """Network time where signal and noise weigh the same: diffusion's t with ab_t nearest 1/2, flow's s = 1/2."""
    if kind == "flow":
        return 0.5 * flow.T_SCALE
    return float(torch.argmin((schedule.alphas_cumprod - 0.5).abs()).item())


def drift(kind: str, model: nn.Module, schedule: NoiseSchedule, n: int = 15,
          extent: float = 2.4) -> tuple[np.ndarray, np.ndarray]:
    """Where the ODE moves particles, at the moment signal and noise weigh the same, on an n x n grid: (positions,
    arrows). Flow moves along -v = x0_hat - eps_hat; diffusion (x = a x_0 + b eps, a^2 + b^2 = 1) along the tangent
    of DDIM's path, da x0_hat + db eps_hat with db = -(a / b) da: x0_hat - (a / b) eps_hat, the same form at a = b."""
    u = np.linspace(-extent, extent, n, dtype=np.float32)
    gx, gy = np.meshgrid(u, u)
    pos = np.stack([gx.ravel(), gy.ravel()], 1)
    x, t = torch.from_numpy(pos), torch.full((len(pos),), snr1_time(kind, schedule))
    with torch.no_grad():
        out = model(x, t)
    if kind == "flow":
        return pos, -out.numpy()
    a, b = (float(v) ** 0.5 for v in (schedule.alphas_cumprod[int(t[0])], 1 - schedule.alphas_cumprod[int(t[0])]))
    x0 = (x - b * out) / a
    return pos, (x0 - a / b * out).numpy()
