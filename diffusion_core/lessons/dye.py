"""Dye in a glass of water: particles random-walking between walls, the heat equation, entropy.

The glass is the unit square [0, 1]^2. A drop released at (x, y) spreads by Brownian motion,
x <- x + sqrt(2 D dt) * eps, reflected at the walls, until the colour is even: the state of
maximum entropy. The same film for the diffusion model's forward process is in points.py.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import numpy as np

D_DT = 2e-4            # D * dt per step: the drop reaches the walls in ~100 steps, evens out by ~600
MAX_STEPS = 800
GRID = 48              # concentration image resolution
ENTROPY_BINS = 16
RADIUS = 0.02          # the drop's size when released
HEAT_MODES = 80        # terms of the heat equation's cosine series
WATER, DYE = (235, 244, 255), (178, 24, 43)      # the glass's colours (RGB): clear water, deep red dye
MODEL_PARTICLES = 2000  # the drop the diffusion model's forward process is shown on


def reflect(x: np.ndarray) -> np.ndarray:
    """Fold positions back into [0, 1] (mirror walls)."""
    x = np.mod(x, 2.0)
    return np.where(x > 1.0, 2.0 - x, x)


def release(x: float, y: float, n: int, seed: int, radius: float = RADIUS) -> np.ndarray:
    """n particles in a small blob around (x, y): [n, 2]."""
    rng = np.random.default_rng(seed)
    return reflect(np.array([x, y])[None] + radius * rng.standard_normal((n, 2)))


def drop_in_data_scale(x: float, y: float, seed: int, n: int = MODEL_PARTICLES) -> np.ndarray:
    """The drop released at (x, y) as a diffusion model's data: the glass [0, 1]^2 -> [-1, 1]^2, [n, 2]."""
    return release(x, y, n, seed) * 2 - 1


def walking(start: np.ndarray, seed: int) -> Iterator[np.ndarray]:
    """The positions after each random-walk step (1, 2, ...) of one seeded noise stream, from ``start``."""
    x = start.copy()
    rng = np.random.default_rng((seed, 1))
    s = math.sqrt(2 * D_DT)
    while True:
        x = reflect(x + s * rng.standard_normal(x.shape))
        yield x


def walk(start: np.ndarray, steps: int, seed: int) -> np.ndarray:
    """Positions after ``steps`` random-walk steps of one seeded noise stream."""
    return start.copy() if steps == 0 else next(itertools.islice(walking(start, seed), steps - 1, None))


def cell_counts(points: np.ndarray, grid: int = GRID) -> np.ndarray:
    """How many particles sit in each cell of a grid x grid raster of the glass: int [grid, grid], row 0 at the top
    (a particle on the far wall, at 1.0, counts in the last cell)."""
    col, row = np.minimum((points * grid).astype(np.int64), grid - 1).T       # points are in [0, 1]: floor
    return np.bincount((grid - 1 - row) * grid + col, minlength=grid * grid).reshape(grid, grid)


def concentration(points: np.ndarray, grid: int = GRID) -> np.ndarray:
    """Particle density on a grid x grid raster of the glass (sums to 1): [grid, grid], row 0 at the top."""
    return cell_counts(points, grid) / max(len(points), 1)


def entropy(points: np.ndarray, bins: int = ENTROPY_BINS) -> float:
    """Shannon entropy of the coarse-grained concentration over its maximum log(bins^2): 0 = a point, 1 = even."""
    p = concentration(points, bins).ravel()
    p = p[p > 0]
    return float((p * np.log(1.0 / p)).sum() / math.log(bins * bins))      # sum p log(1/p): a point gives +0, not -0


def heat(x: float, y: float, steps: int, grid: int = GRID, radius: float = RADIUS, modes: int = HEAT_MODES) -> np.ndarray:
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
    water, dye = np.array(WATER, dtype=np.float64), np.array(DYE, dtype=np.float64)
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


@dataclass(frozen=True)
class DyeFilm:
    """The drop at every step 0 .. steps of the walk ``dye_at`` takes: frame k is ``dye_at(x, y, k, n, seed)``."""
    counts: np.ndarray        # [steps + 1, GRID, GRID] particles per cell of the glass (uint16: n <= 65535)
    entropy: np.ndarray       # [steps + 1] the coarse-grained entropy

    def picture(self, k: int) -> np.ndarray:
        return dye_picture(self.counts[k] / max(int(self.counts[0].sum()), 1))


def film(x: float, y: float, n: int, seed: int, steps: int = MAX_STEPS) -> DyeFilm:
    """Every frame of one drop, counted as the glass shows it (sent to the page once: it replays any time)."""
    if not 0 < n <= np.iinfo(np.uint16).max:
        raise ValueError(f"particles {n}: 1 .. 65535")
    start = release(x, y, n, seed)
    frames = itertools.chain([start], itertools.islice(walking(start, seed), steps))
    counts, hs = zip(*((cell_counts(p), entropy(p)) for p in frames))
    return DyeFilm(np.stack(counts).astype(np.uint16), np.array(hs))


@lru_cache(maxsize=64)
def entropy_curve(x: float, y: float, n: int, seed: int, upto: int = MAX_STEPS, every: int = 20) -> tuple[list[int], list[float]]:
    """Entropy of the particles every ``every`` steps from 0 to ``upto`` (cached: it depends on the drop only)."""
    start = release(x, y, n, seed)
    ks, hs = [0], [entropy(start)]
    for k, pts in enumerate(itertools.islice(walking(start, seed), upto), start=1):
        if k % every == 0:
            ks.append(k)
            hs.append(entropy(pts))
    return ks, hs
