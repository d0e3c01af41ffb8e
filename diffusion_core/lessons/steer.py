"""Steering digits with a label, as the Steer tab shows it: per step the sample, the clean digit each answer
predicts (no label, the label, the guided mix) and where the label pushes; and one noise at several scales w."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import torch
from torch import Tensor

from ..guidance import LabelGuided
from ..ideal import alpha_bar_at
from ..media.frames import grid
from ..models.data import to_uint8
from ..samplers import run, start_noise, x0_from_eps
from .denoise import digit_grid, kept_indices

STRIP_WEIGHTS = (0.0, 1.0, 3.0, 7.0)        # "one noise, four scales"


@dataclass(frozen=True)
class SteerFrame:
    index: int
    num_steps: int
    t: float
    nfe: int
    x_t: np.ndarray             # uint8 grids [H, W]: the samples entering the step
    x0_base: np.ndarray         # the clean digits predicted without the label (or "not like" the negative)
    x0_label: np.ndarray        # ... with the label
    x0_mix: np.ndarray          # ... by the guided mix the sampler steps with
    push: np.ndarray            # uint8 RGB grid: eps_label - eps_base (orange: the label adds ink, blue: removes it)
    arrived: np.ndarray | None = None     # the results, on the last frame only


def push_picture(diff: Tensor) -> np.ndarray:
    """eps_label - eps_base [N, 1, H, W] as an RGB grid: x0 moves by -sqrt(1 - ab) / sqrt(ab) times eps, so a
    negative difference adds ink (orange) and a positive one removes it (blue); white is no push. Scaled to the
    largest push of the batch, so a weak push still shows where it points."""
    d = -diff[:, 0].float()
    d = d / d.abs().max().clamp(min=1e-8)                                       # [-1, 1], + adds ink
    ink, away = d.clamp(min=0), (-d).clamp(min=0)
    rgb = torch.stack([1 - 0.8 * away, 1 - 0.45 * ink - 0.5 * away, 1 - 0.9 * ink], dim=-1)
    pics = (rgb.clamp(0, 1) * 255).round().to(torch.uint8).numpy()              # [N, H, W, 3]
    return grid(pics, cols=_cols(len(pics)))


def _cols(n: int) -> int:
    return min(n, 4 if n <= 4 else int(math.ceil(math.sqrt(n))))


def steer_frames(model: Any, *, label: int | None, weight: float, negative: int | None, sampler: str,
                 num_steps: int, seed: int, n: int, keep: int = 100) -> Iterator[SteerFrame]:
    """Sample n digits guided toward ``label`` and yield a SteerFrame for at most ``keep`` of the steps."""
    guided = LabelGuided(model.eps, model.num_classes, label, weight, negative, both=True)   # every answer shown
    x_T, gen = start_noise((n, *model.image_shape), seed, model.device)
    keep_set: set[int] | None = None
    for st in run(guided, model.schedule, x_T, sampler=sampler, num_steps=num_steps, generator=gen):
        keep_set = keep_set if keep_set is not None else kept_indices(st.num_steps, keep)
        last = st.index == st.num_steps - 1
        if not (st.index in keep_set or last):
            continue
        ab = alpha_bar_at(model.schedule, st.t)
        base, cond = st.eps_parts
        x0_base, x0_label = (x0_from_eps(st.x_t, e, ab).clamp(-1, 1) for e in (base, cond))
        yield SteerFrame(st.index, st.num_steps, st.t, st.nfe, digit_grid(st.x_t), digit_grid(x0_base),
                         digit_grid(x0_label), digit_grid(st.x0_pred.clamp(-1, 1)), push_picture(cond - base),
                         digit_grid(st.x_next) if last else None)


STRIP_N, STRIP_CALLS = 4, 20        # digits per scale, network calls per digit (DPM-Solver++ 20 steps)


def scale_strip(model: Any, *, label: int | None, negative: int | None, seed: int, n: int = STRIP_N,
                weights: tuple[float, ...] = STRIP_WEIGHTS, sampler: str = "dpmpp2m",
                num_steps: int = STRIP_CALLS) -> np.ndarray:
    """The same starting noise finished at each scale in ``weights``: one picture, one column of n digits a scale."""
    cols = []
    for w in weights:
        guided = LabelGuided(model.eps, model.num_classes, label, w, negative)
        x_T, gen = start_noise((n, *model.image_shape), seed, model.device)
        *_, last = run(guided, model.schedule, x_T, sampler=sampler, num_steps=num_steps, generator=gen)
        cols.append(grid(to_uint8(last.x_next), cols=1))
    gap = np.full((cols[0].shape[0], 6), 255, np.uint8)
    return np.concatenate([c if i == 0 else np.concatenate([gap, c], 1) for i, c in enumerate(cols)], 1)
