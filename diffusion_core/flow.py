"""Flow matching / rectified flow (Lipman et al. 2023; Liu et al. 2023), the training of Stable Diffusion 3 and Flux.

The corruption is a straight line from data to noise, s in [0, 1]:

    x_s = (1 - s) x_0 + s eps                        (diffusion: x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps, a curve)

and the network learns the velocity along it, v = dx_s/ds = eps - x_0, by plain MSE. Sampling integrates
dx/ds = v(x, s) from s = 1 (noise) to s = 0 (data) with an ODE solver; the straighter the paths, the fewer steps
it needs (one Euler step is exact on a straight path). Both facts the learner sees here are closed forms of v:

    x_0 = x_s - s v,        eps = x_s + (1 - s) v.

Network time: the nets take s on the diffusion nets' 0..T-1 scale (t = s (T - 1)), so a Step's t reads the same
in every picture and chart, and the same UNet family serves both kinds.
"""
from __future__ import annotations

import math
from typing import Callable, Iterator

import numpy as np
import torch
from torch import Tensor

from .samplers.base import Step, call_model
from .samplers.grids import sigmas_of
from .schedule import NoiseSchedule

T_SCALE = 999.0              # network time of s = 1 (pure noise), as a diffusion net's last timestep

# a velocity model: v(x [B, C, H, W], t [B] network time = s * T_SCALE) -> [B, C, H, W]
VelocityModel = Callable[[Tensor, Tensor], Tensor]


def _col(s: Tensor | float, like: Tensor) -> Tensor:
    """s as a column that broadcasts over an image batch: [B] -> [B, 1, 1, 1] (or [B, 1] for points)."""
    s = torch.as_tensor(s, dtype=like.dtype, device=like.device)
    return s.reshape(-1, *([1] * (like.ndim - 1))) if s.ndim else s


def interpolate(x0: Tensor, eps: Tensor, s: Tensor | float) -> Tensor:
    """x_s = (1 - s) x_0 + s eps: the straight path from data (s = 0) to noise (s = 1)."""
    s = _col(s, x0)
    return (1 - s) * x0 + s * eps


def velocity_target(x0: Tensor, eps: Tensor) -> Tensor:
    """v = d x_s / ds = eps - x_0, the same at every s of one path."""
    return eps - x0


def flow_loss(v_pred: Tensor, x0: Tensor, eps: Tensor) -> Tensor:
    """The conditional flow-matching loss: mean squared error between the predicted and the true velocity."""
    return (v_pred - velocity_target(x0, eps)).pow(2).mean()


def x0_from_velocity(x_s: Tensor, v: Tensor, s: Tensor | float) -> Tensor:
    """x_0 = x_s - s v (walk the straight line back to s = 0)."""
    return x_s - _col(s, x_s) * v


def eps_from_velocity(x_s: Tensor, v: Tensor, s: Tensor | float) -> Tensor:
    """eps = x_s + (1 - s) v (walk it on to s = 1)."""
    return x_s + (1 - _col(s, x_s)) * v


def uniform_grid(num_steps: int) -> list[float]:
    """s from 1 (noise) to 0 (data) in equal steps: num_steps + 1 values."""
    return [float(v) for v in np.linspace(1.0, 0.0, num_steps + 1)]


def shifted_grid(num_steps: int, shift: float = 1.0) -> list[float]:
    """The uniform grid with each s moved to k s / (1 + (k - 1) s) (Esser et al. 2024, section 5.3.2: Stable
    Diffusion 3's "shift"): k > 1 spends more of the steps near the noise end, where a digit's path still bends;
    k = 1 is the uniform grid. A served bundle names its k (bundles.Options.time_shift)."""
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"the time shift must be a positive number, got {shift}")
    return [shift * s / (1 + (shift - 1) * s) for s in uniform_grid(num_steps)]


def _velocity(model: VelocityModel, x: Tensor, s: float) -> Tensor:
    v, _ = call_model(model, x, s * T_SCALE)
    return v


def flow_euler(model: VelocityModel, x_T: Tensor, grid: list[float]) -> Iterator[Step]:
    """Euler: x_{s'} = x_s + (s' - s) v(x_s, s), on the grid's s from 1 to 0 (len(grid) - 1 steps). One network
    call a step."""
    x = x_T
    for i in range(len(grid) - 1):
        s, s_next = grid[i], grid[i + 1]
        v = _velocity(model, x, s)
        x_next = x + (s_next - s) * v
        yield _step(i, len(grid) - 1, s, s_next, x, v, x_next, i + 1)
        x = x_next


def flow_heun(model: VelocityModel, x_T: Tensor, grid: list[float]) -> Iterator[Step]:
    """Heun (the trapezoid rule with an Euler predictor): two calls a step, the last plain Euler (2N - 1 calls, as
    the diffusion Heun counts)."""
    x, nfe = x_T, 0
    for i in range(len(grid) - 1):
        s, s_next = grid[i], grid[i + 1]
        v = _velocity(model, x, s)
        x_next = x + (s_next - s) * v
        nfe += 1
        if i + 1 < len(grid) - 1:
            v_2 = _velocity(model, x_next, s_next)
            x_next = x + (s_next - s) * (v + v_2) / 2
            nfe += 1
        yield _step(i, len(grid) - 1, s, s_next, x, v, x_next, nfe)
        x = x_next


def _step(i: int, n: int, s: float, s_next: float, x: Tensor, v: Tensor, x_next: Tensor, nfe: int) -> Step:
    """A diffusion sampler's Step record for a flow step: t on the 0..999 scale (-1: the clean end), the noise and
    clean guesses from the velocity."""
    return Step(i, n, s * T_SCALE, s_next * T_SCALE if s_next > 0 else -1.0, x, eps_from_velocity(x, v, s),
                x0_from_velocity(x, v, s), x_next, nfe)


FLOW_SAMPLERS = {"euler": flow_euler, "heun": flow_heun}


@torch.inference_mode()
def flow_sample(model: VelocityModel, *, sampler: str = "euler", num_steps: int = 50, shape: tuple[int, ...],
                seed: int = 0, device: torch.device | str = "cpu", shift: float = 1.0) -> Tensor:
    """From seeded noise (as samplers.sample draws it) to x_0 with a flow solver on shifted_grid(num_steps, shift);
    returns x_0 [shape]."""
    from .samplers import start_noise

    if sampler not in FLOW_SAMPLERS:
        raise ValueError(f"a flow model samples with {sorted(FLOW_SAMPLERS)}, not {sampler!r}")
    x, _ = start_noise(shape, seed, device)
    for st in FLOW_SAMPLERS[sampler](model, x, shifted_grid(num_steps, shift)):
        x = st.x_next
    return x


def diffusion_timesteps(s: np.ndarray, log_sigmas: np.ndarray) -> np.ndarray:
    """The (fractional) diffusion timesteps with the noise-to-signal ratio of each s: x_s / (1 - s) = x_0 + sigma eps
    with sigma = s / (1 - s), as x_t / sqrt(ab) = x_0 + sigma eps with sigma = sqrt(1 - ab) / sqrt(ab); log-linear
    between two timesteps (as grids.sigma_to_t), and past the schedule's ends its first or last timestep (s = 1,
    pure noise: the last). ``log_sigmas`` [T]: log of grids.sigmas_of(schedule)."""
    s = np.asarray(s, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_sigma = np.log(s) - np.log1p(-s)                                     # log(s / (1 - s)), inf at s = 1
    return np.interp(log_sigma, log_sigmas, np.arange(len(log_sigmas), dtype=np.float64))


class VelocityOfEps:
    """A noise-predicting diffusion net asked for the velocity on the straight path (to guide a flow net with it).

    x_s = (1 - s) x_0 + s eps divided by 1 - s is x_0 + sigma eps with sigma = s / (1 - s); so is the diffusion
    sample x_t = sqrt(ab) x_0 + sqrt(1 - ab) eps divided by sqrt(ab), where sigma = sqrt(1 - ab) / sqrt(ab). The net
    is asked at x_t = sqrt(ab) x_s / (1 - s), ab = 1 / (1 + sigma^2), at the (fractional) timestep of that sigma,
    and its eps gives v = eps - x_0 = (eps - x_s) / (1 - s). Past the schedule's largest sigma (s near 1) it is
    asked at its last timestep, the most noise it knows.
    """

    def __init__(self, net: Callable[[Tensor, Tensor], Tensor], schedule: NoiseSchedule):
        self.net = net
        self.log_sigmas = torch.from_numpy(np.log(sigmas_of(schedule)))           # [T] increasing
        self.s_max = float(self.log_sigmas[-1].exp() / (1 + self.log_sigmas[-1].exp()))

    def __call__(self, x: Tensor, t: Tensor) -> Tensor:
        s = (t.double() / T_SCALE).clamp(0.0, self.s_max)                          # [B]
        sigma = s / (1 - s)
        ab = 1 / (1 + sigma**2)
        tau = diffusion_timesteps(s.cpu().numpy(), self.log_sigmas.numpy())
        col = lambda a: a.to(x.device, x.dtype).reshape(-1, *([1] * (x.ndim - 1)))   # noqa: E731
        eps = self.net(col(ab.sqrt() / (1 - s)) * x, torch.from_numpy(tau).to(x.device, torch.float32))
        return (eps.to(x.dtype) - x) / col(1 - s)
