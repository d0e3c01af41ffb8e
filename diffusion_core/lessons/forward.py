"""The forward process on pictures, as the "Add noise" tab shows it.

The record of the stones: dissolving x_0 step by step draws noise eps_k at every step k. If
that noise is kept, every step can be undone exactly. We keep the record in O(1) memory: the
noise of step k is regenerated from (seed, k) whenever it is needed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import Tensor

from ..schedule import NoiseSchedule


def to_x0(image_u8: np.ndarray) -> Tensor:
    """RGB uint8 [H, W, 3] -> x_0 float64 [3, H, W] in [-1, 1]."""
    return torch.from_numpy(np.array(image_u8, copy=True)).permute(2, 0, 1).double() / 127.5 - 1.0   # a read-only array too


def to_picture(x: Tensor, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    """[C, H, W] values in [lo, hi] -> uint8 [H, W, C] (values outside are clipped)."""
    u = ((x.float() - lo) / (hi - lo)).clamp(0, 1).mul(255).round().to(torch.uint8)
    return u.permute(1, 2, 0).contiguous().numpy()


def seeded_noise(shape: tuple[int, ...], seed: int, step: int = 0) -> Tensor:
    """eps ~ N(0, I), float64, a pure function of (seed, step): the record of step ``step``."""
    gen = torch.Generator().manual_seed((int(seed) * 1_000_003 + int(step)) % (2**63 - 1))
    return torch.randn(shape, generator=gen, dtype=torch.float32).double()


@dataclass(frozen=True)
class NoisyView:
    """Everything the t-slider shows for one step count k."""

    k: int
    x_t: np.ndarray            # uint8 [H, W, 3]: x_k clipped to [-1, 1] for display
    noise: np.ndarray          # uint8 [H, W, 3]: eps, shown from -3 to 3
    signal_weight: float       # sqrt(alpha_bar_k)
    noise_weight: float        # sqrt(1 - alpha_bar_k)
    hist: np.ndarray           # density of x_k's values, [bins]
    edges: np.ndarray          # bin edges, [bins + 1]
    mean: float
    std: float


def noisy_view(image_u8: np.ndarray, k: int, schedule: NoiseSchedule, seed: int = 0, bins: int = 48) -> NoisyView:
    """x_k of the image in one jump, q(x_k | x_0), with the noise that made it and its value histogram.

    Display precision (float32, [H, W, C] throughout): about 3 ms for 256 x 256, so a slider keeps up. The
    browser draws the same view from the same x_0 and noise codes (``display_noise``) by the same float32 steps.
    """
    x0 = image_u8.astype(np.float32) * np.float32(1 / 127.5) - np.float32(1.0)       # [H, W, 3]
    _, eps, noise_picture = display_noise(tuple(image_u8.shape), int(seed))
    a, b = schedule.signal_weight(k), schedule.noise_weight(k)
    x_k = x0 * np.float32(a)
    x_k += np.float32(b) * eps                                                          # eq. 4
    vals = x_k.ravel()
    hist, edges = density_histogram(vals, bins, -4.0, 4.0)
    return NoisyView(k, _u8(x_k, -1.0, 1.0), noise_picture, a, b, hist, edges, float(vals.mean()), float(vals.std()))


def _u8(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """float [..] in [lo, hi] -> uint8 (rounded, clipped), as to_picture does for tensors."""
    u = (x - np.float32(lo)) * np.float32(255 / (hi - lo))
    u += np.float32(0.5)
    return np.clip(u, 0, 255, out=u).astype(np.uint8)


EPS_SCALE = 4096     # the shown noise is int16 codes / 4096: steps of 0.00024, |eps| up to 8 (the page gets the codes)


@functools.lru_cache(maxsize=16)
def display_noise(shape_hwc: tuple[int, int, int], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """seeded_noise(.., seed, 0) rounded to int16 codes / EPS_SCALE: (codes int16, eps float32, picture -3..3),
    each [H, W, C], read-only, memoized (a learner moving the slider keeps their photo and seed). The codes are
    what the browser gets, so the page and the server mix exactly the same noise."""
    h, w, c = shape_hwc
    eps = seeded_noise((c, h, w), seed, 0).float().permute(1, 2, 0).contiguous().numpy()
    codes = np.clip(np.rint(eps * EPS_SCALE), -32767, 32767).astype(np.int16)
    eps = codes.astype(np.float32) * np.float32(1 / EPS_SCALE)                       # exact: a power of two
    picture = _u8(eps, -3.0, 3.0)
    for a in (codes, eps, picture):
        a.flags.writeable = False
    return codes, eps, picture


def weight_tables(schedule: NoiseSchedule) -> tuple[np.ndarray, np.ndarray]:
    """sqrt(alpha_bar_k) and sqrt(1 - alpha_bar_k) for k = 0..T, float64: signal_weight / noise_weight at every k."""
    ab = schedule.alpha_bar.numpy()
    return np.sqrt(ab), np.sqrt(1.0 - ab)


def density_histogram(vals: np.ndarray, bins: int, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """np.histogram(vals, bins, (lo, hi), density=True) by bincount: ~10x faster for even bins."""
    width = (hi - lo) / bins
    pos = (vals - lo) * (1.0 / width)                     # bin position; keeps vals' float32 if it is
    inside = (pos >= 0) & (pos <= bins)
    idx = pos[inside].astype(np.int64)                    # >= 0, so truncation is floor
    counts = np.bincount(np.minimum(idx, bins - 1, out=idx), minlength=bins).astype(np.float64)
    return counts / max(counts.sum(), 1.0) / width, np.linspace(lo, hi, bins + 1)


def walk(x0: Tensor, k: int, schedule: NoiseSchedule, seed: int) -> Tensor:
    """x_k by k small steps q(x_j | x_{j-1}), each with its own recorded noise."""
    x = x0
    for j in range(1, k + 1):
        x = schedule.noise_step(x, j, seeded_noise(tuple(x0.shape), seed, j))
    return x


def jump(x0: Tensor, k: int, schedule: NoiseSchedule, seed: int) -> Tensor:
    """x_k in one jump from x_0 (Ho et al. eq. 4), with the seed's own noise (not the walk's)."""
    return schedule.add_noise(x0, k, seeded_noise(tuple(x0.shape), seed, 0))


def dissolve(x0: Tensor, schedule: NoiseSchedule, seed: int, upto: int | None = None) -> Iterator[tuple[int, Tensor]]:
    """Yield (k, x_k) for k = 1..upto, one small noising step at a time (the record is (seed, k))."""
    x = x0
    for k in range(1, (schedule.num_steps if upto is None else upto) + 1):
        x = schedule.noise_step(x, k, seeded_noise(tuple(x0.shape), seed, k))
        yield k, x


def reform(x_k: Tensor, schedule: NoiseSchedule, seed: int, start: int) -> Iterator[tuple[int, Tensor]]:
    """Undo the steps with the record: yield (k - 1, x_{k-1}) for k = start..1."""
    x = x_k
    for k in range(start, 0, -1):
        x = schedule.undo_step(x, k, seeded_noise(tuple(x_k.shape), seed, k))
        yield k - 1, x


def dissolve_to(x0: Tensor, schedule: NoiseSchedule, seed: int, k: int) -> Tensor:
    """x_k after k small recorded steps (the last frame of ``dissolve``)."""
    x = x0
    for _, x in dissolve(x0, schedule, seed, upto=k):  # noqa: B007 - we want the last one
        pass
    return x


def reform_from(x_k: Tensor, schedule: NoiseSchedule, seed: int, k: int) -> Tensor:
    """x_0 rebuilt from x_k with the record (the last frame of ``reform``)."""
    x = x_k
    for _, x in reform(x_k, schedule, seed, start=k):  # noqa: B007
        pass
    return x


@dataclass(frozen=True)
class Stats:
    mean: float
    std: float
    expected_mean: float
    expected_std: float


def residual_stats(x0: Tensor, x_k: Tensor, k: int, schedule: NoiseSchedule) -> Stats:
    """Statistics of x_k - sqrt(ab_k) x_0, which should be N(0, 1 - ab_k) however x_k was made."""
    r = (x_k - schedule.signal_weight(k) * x0).numpy().ravel()
    return Stats(float(r.mean()), float(r.std()), 0.0, schedule.noise_weight(k))


def frame_steps(total: int, frames: int) -> list[int]:
    """About ``frames`` step counts from 0 to total, denser near 0 where the picture changes most."""
    pts = {0, total} | {int(round(total * (i / frames) ** 1.5)) for i in range(frames + 1)}
    return sorted(pts)



LOG_SNR_RANGE = (-20.0, 10.0)      # the log SNR drawn as 0 to 1 beside alpha_bar (0, signal = noise, at 2/3)


def scaled_log_snr(log_snr: np.ndarray | float) -> np.ndarray | float:
    """log SNR mapped from LOG_SNR_RANGE to [0, 1] (clipped), as the schedule chart draws it."""
    lo, hi = LOG_SNR_RANGE
    return np.clip((log_snr - lo) / (hi - lo), 0, 1)


def schedule_curves(schedule: NoiseSchedule, points: int = 201) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Step counts k and, at each, alpha_bar_k, log SNR mapped to [0, 1], and 50 * beta_k (for one plot)."""
    ks = np.linspace(0, schedule.num_steps, points).round().astype(int)
    ab = schedule.alpha_bar.numpy()[ks]
    with np.errstate(divide="ignore"):
        log_snr = np.log(np.clip(ab, 1e-12, 1 - 1e-12) / np.clip(1 - ab, 1e-12, None))
    betas = np.concatenate([[0.0], schedule.betas.numpy()])[ks]
    return ks, {"alpha_bar": ab, "log_snr": scaled_log_snr(log_snr), "beta": np.clip(50 * betas, 0, 1)}


def normal_curve(lo: float = -4.0, hi: float = 4.0, n: int = 97) -> list[tuple[float, float]]:
    """Points (x, pdf) of the standard normal density."""
    xs = np.linspace(lo, hi, n)
    return list(zip(xs.tolist(), (np.exp(-xs**2 / 2) / np.sqrt(2 * np.pi)).tolist()))


@dataclass(frozen=True)
class FilmFrame:
    phase: str                  # "dissolve" or "reform"
    k: int                      # steps of noise in this frame
    picture: np.ndarray         # uint8 [H, W, 3]
    max_error: float | None     # on the last frame: max |reformed - x_0| (in [-1, 1] units)


def record_film(image_u8: np.ndarray, k: int, schedule: NoiseSchedule, seed: int = 0,
                frames: int = 24) -> Iterator[FilmFrame]:
    """Dissolve the image step by step to k, then reform it exactly with the record, yielding film frames."""
    x0 = to_x0(image_u8)
    shown = set(frame_steps(k, frames))
    yield FilmFrame("dissolve", 0, to_picture(x0), None)
    x_k = x0
    for j, x in dissolve(x0, schedule, seed, upto=k):
        x_k = x
        if j in shown:
            yield FilmFrame("dissolve", j, to_picture(x), None)
    x = x_k
    for j, x in reform(x_k, schedule, seed, start=k):
        if j in shown and j > 0:
            yield FilmFrame("reform", j, to_picture(x), None)
    yield FilmFrame("reform", 0, to_picture(x), float((x - x0).abs().max()))
