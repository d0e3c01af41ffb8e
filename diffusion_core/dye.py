"""Dye in a glass of water: particles random-walking between walls, the heat equation, entropy.

The glass is the unit square [0, 1]^2. A drop released at (x, y) spreads by Brownian motion,
x <- x + sqrt(2 D dt) * eps, reflected at the walls, until the colour is even: the state of
maximum entropy. The same film for the diffusion model's forward process is in points.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

D_DT = 2e-4            # D * dt per step: the drop reaches the walls in ~100 steps, evens out by ~600
MAX_STEPS = 800
GRID = 48              # concentration image resolution
ENTROPY_BINS = 16


def reflect(x: np.ndarray) -> np.ndarray:
    """Fold positions back into [0, 1] (mirror walls)."""
    x = np.mod(x, 2.0)
    return np.where(x > 1.0, 2.0 - x, x)


def release(x: float, y: float, n: int, seed: int, radius: float = 0.02) -> np.ndarray:
    """n particles in a small blob around (x, y): [n, 2]."""
    rng = np.random.default_rng(seed)
    return reflect(np.array([x, y])[None] + radius * rng.standard_normal((n, 2)))


def walk(start: np.ndarray, steps: int, seed: int) -> np.ndarray:
    """Positions after ``steps`` random-walk steps of one seeded noise stream."""
    x = start.copy()
    rng = np.random.default_rng((seed, 1))
    s = math.sqrt(2 * D_DT)
    for _ in range(steps):
        x = reflect(x + s * rng.standard_normal(x.shape))
    return x


def concentration(points: np.ndarray, grid: int = GRID) -> np.ndarray:
    """Particle density on a grid x grid raster of the glass (sums to 1): [grid, grid], row 0 at the top."""
    h, _, _ = np.histogram2d(points[:, 1], points[:, 0], bins=grid, range=[[0, 1], [0, 1]])
    return h[::-1] / max(len(points), 1)


def entropy(points: np.ndarray, bins: int = ENTROPY_BINS) -> float:
    """Shannon entropy of the coarse-grained concentration over its maximum log(bins^2): 0 = a point, 1 = even."""
    p = concentration(points, bins).ravel()
    p = p[p > 0]
    return float((p * np.log(1.0 / p)).sum() / math.log(bins * bins))      # sum p log(1/p): a point gives +0, not -0


def heat(x: float, y: float, steps: int, grid: int = GRID, radius: float = 0.02, modes: int = 80) -> np.ndarray:
    """The heat equation c_t = D (c_xx + c_yy) with insulating walls, from the same blob, solved exactly: [grid, grid].

    With zero-flux walls the solution is a cosine series, separable in x and y:
    f(u, t) = 1 + 2 sum_n cos(n pi u0) cos(n pi u) exp(-n^2 pi^2 (D t + r^2 / 2)); c = f_y(y) f_x(x).
    """
    u = (np.arange(grid) + 0.5) / grid
    n = np.arange(1, modes + 1)[:, None]
    decay = np.exp(-(n * np.pi) ** 2 * (D_DT * steps + radius**2 / 2))

    def f(u0: float) -> np.ndarray:
        return 1 + 2 * (np.cos(n * np.pi * u0) * np.cos(n * np.pi * u[None]) * decay).sum(0)

    c = np.clip(np.outer(f(y)[::-1], f(x)), 0, None)                       # row 0 is the top of the glass
    return c / c.sum()


def dye_picture(c: np.ndarray, scale: int = 6) -> np.ndarray:
    """A concentration raster as water (pale blue) tinted by dye (deep red), enlarged: uint8 [H, W, 3]."""
    level = np.clip(c / max(c.max(), 1e-12), 0, 1) ** 0.6
    water, dye = np.array([235, 244, 255.0]), np.array([178, 24, 43.0])
    img = water[None, None] * (1 - level[..., None]) + dye[None, None] * level[..., None]
    return img.astype(np.uint8).repeat(scale, 0).repeat(scale, 1)


@dataclass(frozen=True)
class DyeState:
    points: np.ndarray        # [n, 2] in the unit square
    picture: np.ndarray       # particles as a concentration picture
    heat_picture: np.ndarray  # the heat equation at the same time
    entropy: float


def dye_at(x: float, y: float, steps: int, n: int, seed: int) -> DyeState:
    """The drop released at (x, y), ``steps`` later, as particles and as the heat equation."""
    pts = walk(release(x, y, n, seed), steps, seed)
    return DyeState(pts, dye_picture(concentration(pts)), dye_picture(heat(x, y, steps)), entropy(pts))


@lru_cache(maxsize=64)
def entropy_curve(x: float, y: float, n: int, seed: int, upto: int = MAX_STEPS, every: int = 20) -> tuple[list[int], list[float]]:
    """Entropy of the particles every ``every`` steps from 0 to ``upto`` (cached: it depends on the drop only)."""
    pts = release(x, y, n, seed)
    rng = np.random.default_rng((seed, 1))
    s = math.sqrt(2 * D_DT)
    ks, hs = [0], [entropy(pts)]
    for k in range(upto):
        pts = reflect(pts + s * rng.standard_normal(pts.shape))
        if (k + 1) % every == 0:
            ks.append(k + 1)
            hs.append(entropy(pts))
    return ks, hs
