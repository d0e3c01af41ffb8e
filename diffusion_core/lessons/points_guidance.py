"""Classifier-free guidance on 2-D points (issue 45): one label-conditional point net on two shapes, trained live with
label dropout, and what the guidance scale w does to where the particles land.

The data is two shapes over the same square, label 0 and label 1 (points.preset_mask). The net is the un-mix MLP with
a label embedding (points.PointDenoiser(labels=2); label 2 is the null label, "no condition"). Sampling is DDIM (eta =
0, no clipping) on guidance.LabelGuided: eps = eps(x, null) + w (eps(x, c) - eps(x, null)), both answers from one
batched call. w = 0 samples both shapes, w = 1 the chosen one, w > 1 pushes past it.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np
import torch
from torch import Tensor, nn

from ..guidance import LabelGuided
from ..models.train import drop_labels
from ..samplers import ddim, trailing
from ..schedule import NoiseSchedule
from . import points
from .points_flow import Scores, _trace, noise, snr1_time

SHAPES = ("heart", "kuo")           # label 0, label 1
NULL = len(SHAPES)                  # the null label: no condition
DROP = 0.15                         # share of training labels dropped to the null label
WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0)     # the measured curve's guidance scales
STEPS = 50                          # DDIM steps of every guided run


def two_shapes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points of each shape and their labels: ([2n, 2], [2n] int)."""
    xs = [points.sample_mask(points.preset_mask(name), n, seed + k) for k, name in enumerate(SHAPES)]
    return np.concatenate(xs), np.repeat(np.arange(len(SHAPES)), n)


def train_labelled(model: points.PointDenoiser, data: np.ndarray, labels: np.ndarray, schedule: NoiseSchedule, *,
                   seconds: float, seed: int = 0, drop: float = DROP, batch: int = 512, lr: float = 1e-2,
                   report_every: float = 0.5, steps: int | None = None) -> Iterator[points.TrainTick]:
    """The noise guess of a label-conditional net, each batch's labels dropped to the null label with probability
    ``drop`` (Ho & Salimans 2022, algorithm 1): one net learns eps(x_t, label) and eps(x_t, no condition)."""
    x_all, y_all = torch.from_numpy(data).float(), torch.from_numpy(labels).long()

    def batch_loss(gen: torch.Generator) -> Tensor:
        pick = torch.randint(0, len(x_all), (batch,), generator=gen)
        x0, label = x_all[pick], drop_labels(y_all[pick], NULL, drop, gen)
        t = torch.randint(0, schedule.num_steps, (batch,), generator=gen)          # network timesteps [B]
        eps = torch.randn(x0.shape, generator=gen)
        return nn.functional.mse_loss(model(schedule.noised(x0, t, eps), t.float(), label), eps)

    return points.fit(model, batch_loss, seconds=seconds, seed=seed, lr=lr, report_every=report_every, steps=steps)


def _guided(model: nn.Module, label: int, weight: float, both: bool = False) -> LabelGuided:
    def net(x: Tensor, t: Tensor, labels: Tensor | None = None) -> Tensor:     # no label: the null one
        with torch.no_grad():
            return model(x, t, torch.full((len(x),), NULL, device=x.device) if labels is None else labels)
    return LabelGuided(net, NULL, label, weight, both=both)


def guided_paths(model: nn.Module, schedule: NoiseSchedule, label: int, weight: float, x_T: Tensor,
                 steps: int = STEPS) -> np.ndarray:
    """DDIM paths [steps + 1, N, 2] under guidance toward ``label`` at scale ``weight``."""
    return _trace(x_T, ddim(_guided(model, label, weight), schedule, x_T, trailing(schedule, steps)))


def guided_fields(model: nn.Module, schedule: NoiseSchedule, label: int, weight: float, n: int = 11,
                  extent: float = 2.0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The three denoising directions -eps on an n x n grid at the moment signal and noise weigh the same: without
    the label, with it, and guided (eps_null + w (eps_label - eps_null)). Returns (positions, {name: arrows})."""
    u = np.linspace(-extent, extent, n, dtype=np.float32)
    gx, gy = np.meshgrid(u, u)
    pos = np.stack([gx.ravel(), gy.ravel()], 1)
    t = torch.full((len(pos),), snr1_time("diffusion", schedule))
    mix = _guided(model, label, weight, both=True)(torch.from_numpy(pos), t)
    eps_null, eps_label = mix.parts
    return pos, {"null": -eps_null.numpy(), "label": -eps_label.numpy(), "guided": -mix.eps.numpy()}


def scores_by_weight(model: nn.Module, schedule: NoiseSchedule, label: int, x_T: Tensor, data: np.ndarray,
                     weights: tuple[float, ...] = WEIGHTS, tol: float = 0.06) -> list[Scores]:
    """Share inside the chosen shape and spread (1 = that shape's own; ``data``: its points) at each scale."""
    mask = points.preset_mask(SHAPES[label])
    out = []
    for w in weights:
        end = guided_paths(model, schedule, label, w, x_T)[-1]
        out.append(Scores(points.inside_share(end, mask, tol), points.spread(end, data)))
    return out


__all__ = ["SHAPES", "NULL", "DROP", "WEIGHTS", "two_shapes", "train_labelled", "guided_paths", "guided_fields",
           "scores_by_weight", "noise"]
