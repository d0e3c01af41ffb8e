"""The reverse process on digits, as the Denoise tab shows it: frames of a run, one jump, copies, reform."""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import numpy as np
import torch
from torch import Tensor

from ..ideal import ideal_denoiser
from ..media.frames import grid
from ..media.metrics import psnr
from ..models.data import mnist_digits, to_model_range, to_uint8
from ..samplers import Model, run, start_noise, x0_from_eps
from ..schedule import NoiseSchedule
from . import forward
from .reform import model_reform

SCALE = 1          # grids stay small; the page enlarges them with image-rendering: pixelated


def digit_grid(x: Tensor, lo: float = -1.0, hi: float = 1.0, cols: int | None = None) -> np.ndarray:
    """[N, 1, 28, 28] values in [lo, hi] -> one enlarged uint8 grid picture."""
    scaled = (x.float() - lo) / (hi - lo) * 2 - 1
    n = len(x)
    return grid(to_uint8(scaled), cols=cols or min(n, 4 if n <= 4 else int(math.ceil(math.sqrt(n)))), scale=SCALE)


@dataclass(frozen=True)
class Frame:
    index: int
    num_steps: int
    t: float
    t_next: float
    nfe: int
    x_t: np.ndarray         # uint8 grid of the samples entering the step
    x0: np.ndarray          # uint8 grid of the predicted clean digits
    eps: np.ndarray         # uint8 grid of the predicted noise (shown from -3 to 3)
    speckle: float          # ``speckle`` of the predicted clean digits (1: a real digit's; above SPECKLE: speckle)
    final: np.ndarray | None = None   # uint8 [N, 28, 28] results, on the last frame only
    arrived: np.ndarray | None = None  # uint8 grid of the results (x after the last step), on the last frame only


def kept_indices(num_steps: int, keep: int) -> set[int]:
    """At most ``keep`` step indices spread over a run, always the first and the last."""
    if keep <= 1:
        return {num_steps - 1}
    if num_steps <= keep:
        return set(range(num_steps))
    return {int(round(i * (num_steps - 1) / (keep - 1))) for i in range(keep)}


def run_frames(model: Model, schedule: NoiseSchedule, *, sampler: str, num_steps: int, seed: int, n: int,
               shape: tuple[int, int, int] = (1, 28, 28), keep: int = 100, device: torch.device | str = "cpu",
               **kw) -> Iterator[Frame]:
    """Sample n digits and yield a Frame for at most ``keep`` of the steps (the last always)."""
    x_T, gen = start_noise((n, *shape), seed, device)
    steps = run(model, schedule, x_T, sampler=sampler, num_steps=num_steps, generator=gen, **kw)
    keep_set: set[int] | None = None
    for st in steps:
        keep_set = keep_set if keep_set is not None else kept_indices(st.num_steps, keep)
        last = st.index == st.num_steps - 1
        if st.index in keep_set or last:
            yield Frame(st.index, st.num_steps, st.t, st.t_next, st.nfe, digit_grid(st.x_t), digit_grid(st.x0_pred),
                        digit_grid(st.eps_pred, -3, 3), speckle(st.x0_pred), to_uint8(st.x_next) if last else None,
                        digit_grid(st.x_next) if last else None)


class RunCache:
    """The last frames of recent runs, by (weights, precision, schedule, sampler, steps, its arguments, seed, count):
    a run is fixed by these, so the same run asked again (a question section after Generate, the next learner on
    the default settings) answers at once. Holds at most ``size`` runs, the least recently used leaves first."""

    def __init__(self, size: int = 64):
        self.size, self._runs, self._lock = size, OrderedDict(), threading.Lock()

    @staticmethod
    def key(model: Model, schedule: NoiseSchedule, *, sampler: str, num_steps: int, seed: int, n: int,
            **kw) -> tuple | None:
        """The run's key; None for a model without weights to name (it is not cached)."""
        sha = getattr(model, "sha256", None)
        return None if sha is None else (sha, getattr(model, "precision", ""), schedule.kind, schedule.num_steps,
                                         sampler, num_steps, seed, n, tuple(sorted(kw.items())))

    def put(self, key: tuple | None, frame: Frame) -> None:
        if key is None:
            return
        with self._lock:
            self._runs[key] = frame
            self._runs.move_to_end(key)
            while len(self._runs) > self.size:
                self._runs.popitem(last=False)

    def final(self, model: Model, schedule: NoiseSchedule, *, sampler: str, num_steps: int, seed: int, n: int,
              device: torch.device | str = "cpu", **kw) -> Frame:
        """The last frame (results included) of this run: kept, or run now and kept."""
        key = self.key(model, schedule, sampler=sampler, num_steps=num_steps, seed=seed, n=n, **kw)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
        *_, last = run_frames(model, schedule, sampler=sampler, num_steps=num_steps, seed=seed, n=n, keep=1,
                              device=device, **kw)
        self.put(key, last)
        return last


def detail(x: Tensor) -> float:
    """Neighbour-pixel contrast of pictures [N, C, H, W] in [-1, 1] (clipped as shown): the mean squared difference of
    horizontally and vertically adjacent pixels. A blur has little, speckle much, a real digit's strokes in between."""
    x = x.double().clamp(-1, 1)
    return float(((x[..., 1:, :] - x[..., :-1, :]) ** 2).mean() + ((x[..., :, 1:] - x[..., :, :-1]) ** 2).mean()) / 2


@lru_cache(maxsize=1)
def digit_detail() -> float:
    """``detail`` of the 5,000 training digits: how much neighbour-pixel contrast a real digit has."""
    return detail(to_model_range(mnist_digits()[0]))


SPECKLE = 2.0      # a guess with more than twice a real digit's neighbour-pixel contrast is speckle (clean ones: ~1)


def speckle(x0_pred: Tensor) -> float:
    """How many times a real digit's neighbour-pixel contrast the shown guess x0_pred has: above SPECKLE, speckle.
    An eps-predicting net's x0 = (x_t - sqrt(1 - ab) eps) / sqrt(ab) multiplies its noise error by 1 / sqrt(ab),
    about 150 at t = 999, so at the noisiest steps its guess is speckle, not the blur the ideal guess is."""
    return detail(x0_pred) / digit_detail()


@dataclass(frozen=True)
class OneJump:
    ideal: np.ndarray       # uint8 grid: E[x_0 | x_T] over the training digits, exact (the ideal denoiser): a blur
    net: np.ndarray         # uint8 grid: the network's x0 from its eps at t = T - 1, clipped to [-1, 1]
    sqrt_ab: float          # sqrt(alpha_bar) at t = T - 1: what the network's noise error is divided by
    ideal_speckle: float    # ``speckle`` of each guess (1: a real digit's neighbour-pixel contrast)
    net_speckle: float


def one_jump(model: Model, schedule: NoiseSchedule, seed: int, n: int, shape: tuple[int, int, int] = (1, 28, 28),
             device: torch.device | str = "cpu") -> OneJump:
    """x_0 guessed in a single step from pure noise x_T (t = T - 1), two ways: exactly, by the ideal denoiser of the
    training digits (the average of every digit x_T could hide: a blur), and by the network through its eps."""
    x_T, _ = start_noise((n, *shape), seed, device)
    t = schedule.num_steps - 1
    ab = float(schedule.alphas_cumprod[t])
    tt = torch.full((n,), float(t), device=x_T.device)
    guesses = [x0_from_eps(x_T, m(x_T, tt).float(), ab).clamp(-1, 1) for m in (ideal_digits(schedule), model)]
    return OneJump(*(digit_grid(g) for g in guesses), ab ** 0.5, *(speckle(g) for g in guesses))


@lru_cache(maxsize=2)
def _ideal_digits(kind: str, num_steps: int) -> Model:
    return ideal_denoiser(to_model_range(mnist_digits()[0]), NoiseSchedule(kind, num_steps))


def ideal_digits(schedule: NoiseSchedule) -> Model:
    """The ideal denoiser of the 5,000 training digits (diffusion_core.ideal): a Model that can only copy them."""
    return _ideal_digits(schedule.kind, schedule.num_steps)


def nearest_pairs(images_u8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A grid of (result, nearest training digit) pairs side by side, and the L2 distances."""
    from ..models.quality import nearest_training

    idx, dist = nearest_training(images_u8)
    train = mnist_digits()[0]
    pairs = np.stack([np.concatenate([a, np.full((28, 2), 40, np.uint8), b], axis=1)
                      for a, b in zip(images_u8, train[idx])])
    return grid(pairs, cols=min(len(pairs), 4), scale=3), dist


@dataclass(frozen=True)
class Reform:
    original: np.ndarray      # uint8 [28, 28]
    noised: np.ndarray
    by_model: np.ndarray
    by_record: np.ndarray
    psnr_noised: float
    psnr_model: float
    psnr_record: float


def reform_digit(model: Model, schedule: NoiseSchedule, index: int, k: int, seed: int, num_steps: int = 50,
                 device: torch.device | str = "cpu") -> Reform:
    """Noise training digit ``index`` step by step to k; reform it with the model (DDIM) and with the record."""
    digit = mnist_digits()[0][index]
    x0 = to_model_range(digit[None]).double()[0]                          # [1, 28, 28]
    x_k = forward.dissolve_to(x0, schedule, seed, k)
    exact = forward.reform_from(x_k, schedule, seed, k)
    x = x_k[None].float().to(device)
    for st in model_reform(model, schedule, x, k, num_steps):
        x = st.x_next
    pics = [to_uint8(v.reshape(1, 1, 28, 28).float())[0] for v in (x_k, x, exact)]
    return Reform(digit, *pics, psnr(digit, pics[0]), psnr(digit, pics[1]), psnr(digit, pics[2]))
