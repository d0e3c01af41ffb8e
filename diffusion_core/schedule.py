"""Noise schedules and the forward (noising) process of DDPM.

Two index conventions, kept apart on purpose:

* **k = number of noising steps, 0..T** (the paper's t in Ho et al. 2020). x_0 is the
  clean image, x_T is (almost) pure noise, and ``alpha_bar[k]`` = prod_{s=1..k} (1 - beta_s)
  with ``alpha_bar[0] = 1``. The UI's slider and every forward-process function use k.
* **n = network timestep, 0..T-1** (the index the UNet sees, as in diffusers and Ho et al.'s
  code). Timestep n is the noise level after n + 1 steps: ``alphas_cumprod[n] = alpha_bar[n + 1]``.
  Samplers use n.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor

T_DEFAULT = 1000


def linear_betas(num_steps: int = T_DEFAULT, beta_start: float = 1e-4, beta_end: float = 0.02) -> Tensor:
    """DDPM's linear schedule (Ho et al. 2020, sec. 4): beta_1..beta_T evenly from 1e-4 to 0.02."""
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float64)


def cosine_betas(num_steps: int = T_DEFAULT, s: float = 0.008, max_beta: float = 0.999) -> Tensor:
    """Nichol & Dhariwal 2021, eq. 17: alpha_bar(t) = cos^2(((t/T + s) / (1 + s)) * pi/2)."""
    def f(t: float) -> float:
        return math.cos((t / num_steps + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - f(i + 1) / f(i), max_beta) for i in range(num_steps)]
    return torch.tensor(betas, dtype=torch.float64)


@dataclass(frozen=True)
class NoiseSchedule:
    """beta_k and everything derived from it; all arrays float64 on the CPU."""

    kind: str = "linear"
    num_steps: int = T_DEFAULT
    betas: Tensor = field(init=False, repr=False)            # beta_k, k = 1..T   [T]
    alphas: Tensor = field(init=False, repr=False)           # alpha_k = 1 - beta_k   [T]
    alphas_cumprod: Tensor = field(init=False, repr=False)   # by network timestep n   [T]
    alpha_bar: Tensor = field(init=False, repr=False)        # by step count k, alpha_bar[0] = 1   [T+1]

    def __post_init__(self) -> None:
        if self.kind == "linear":
            betas = linear_betas(self.num_steps)
        elif self.kind == "cosine":
            betas = cosine_betas(self.num_steps)
        else:
            raise ValueError(f"unknown schedule kind {self.kind!r}; use 'linear' or 'cosine'")
        alphas = 1.0 - betas
        cumprod = torch.cumprod(alphas, dim=0)
        object.__setattr__(self, "betas", betas)
        object.__setattr__(self, "alphas", alphas)
        object.__setattr__(self, "alphas_cumprod", cumprod)
        object.__setattr__(self, "alpha_bar", torch.cat([torch.ones(1, dtype=torch.float64), cumprod]))

    # --- scalar views by step count k (0..T) -------------------------------------------
    def beta(self, k: int) -> float:
        """beta_k for the step from x_{k-1} to x_k, k = 1..T."""
        return float(self.betas[self._check_k(k, lo=1) - 1])

    def signal_weight(self, k: int) -> float:
        """sqrt(alpha_bar_k): how much of x_0 is left in x_k."""
        return math.sqrt(float(self.alpha_bar[self._check_k(k)]))

    def noise_weight(self, k: int) -> float:
        """sqrt(1 - alpha_bar_k): how much noise is in x_k."""
        return math.sqrt(1.0 - float(self.alpha_bar[self._check_k(k)]))

    # --- where the two conventions meet (the only place code turns one into the other) -------------
    def timestep(self, k: int | Tensor) -> int | Tensor:
        """The network timestep n of the noise level after k steps: n = k - 1 (k = 1..T; an int or a tensor [B])."""
        return k - 1 if isinstance(k, Tensor) else self._check_k(k, lo=1) - 1

    def noised(self, x0: Tensor, n: Tensor, noise: Tensor) -> Tensor:
        """x at network timestep n [B] (what the network sees there): add_noise after k = n + 1 steps, for the
        training losses, which draw n."""
        return self.add_noise(x0, n + 1, noise)

    def snr(self) -> Tensor:
        """Signal-to-noise ratio alpha_bar / (1 - alpha_bar) by network timestep n   [T]."""
        return self.alphas_cumprod / (1.0 - self.alphas_cumprod)

    def _check_k(self, k: int, lo: int = 0) -> int:
        k = int(k)
        if not lo <= k <= self.num_steps:
            raise ValueError(f"step k must be in [{lo}, {self.num_steps}], got {k}")
        return k

    # --- the forward process q ------------------------------------------------------------
    def add_noise(self, x0: Tensor, k: int | Tensor, noise: Tensor) -> Tensor:
        """One jump, q(x_k | x_0) (Ho et al. eq. 4): sqrt(ab_k) x_0 + sqrt(1 - ab_k) eps.

        k is a step count (0..T): an int, or a tensor [B] of per-sample counts.
        """
        ab = _gather(self.alpha_bar, k, x0)
        return ab.sqrt() * x0 + (1.0 - ab).sqrt() * noise

    def noise_step(self, x_prev: Tensor, k: int, noise: Tensor) -> Tensor:
        """One step, q(x_k | x_{k-1}) (Ho et al. eq. 2): sqrt(1 - beta_k) x_{k-1} + sqrt(beta_k) eps_k."""
        b = self.beta(k)
        return math.sqrt(1.0 - b) * x_prev + math.sqrt(b) * noise

    def undo_step(self, x_k: Tensor, k: int, noise: Tensor) -> Tensor:
        """Exact inverse of noise_step given its recorded noise: (x_k - sqrt(beta_k) eps_k) / sqrt(1 - beta_k)."""
        b = self.beta(k)
        return (x_k - math.sqrt(b) * noise) / math.sqrt(1.0 - b)

    def posterior(self, x0: Tensor, x_k: Tensor, k: int) -> tuple[Tensor, float]:
        """q(x_{k-1} | x_k, x_0) (Ho et al. eq. 6-7): its mean and variance beta~_k, k = 1..T."""
        k = self._check_k(k, lo=1)
        ab, ab_prev = float(self.alpha_bar[k]), float(self.alpha_bar[k - 1])
        b = float(self.betas[k - 1])
        coef_x0 = math.sqrt(ab_prev) * b / (1.0 - ab)
        coef_xk = math.sqrt(1.0 - b) * (1.0 - ab_prev) / (1.0 - ab)
        var = (1.0 - ab_prev) / (1.0 - ab) * b
        return coef_x0 * x0 + coef_xk * x_k, var


def _gather(table: Tensor, k: int | Tensor, like: Tensor) -> Tensor:
    """table[k] as a tensor that broadcasts against ``like`` (per-sample when k is [B])."""
    if isinstance(k, Tensor) and k.ndim > 0:
        v = table.to(like.device)[k.to(like.device).long()]
        return v.to(like.dtype).view(-1, *([1] * (like.ndim - 1)))
    k = int(k)
    if not 0 <= k < len(table):
        raise ValueError(f"step k must be in [0, {len(table) - 1}], got {k}")
    return torch.tensor(float(table[k]), dtype=like.dtype, device=like.device)
