"""Classifier-free guidance (Ho & Salimans 2022, eq. 6): steer a class-conditional net with a label.

One net learned eps(x_t, t, c) for each label c and, with the label dropped in training, eps(x_t, t, null). At each
step the two answers are mixed:

    eps = eps(x_t, null) + w * (eps(x_t, c) - eps(x_t, null))

w = 0 is the unconditional model, w = 1 the conditional one, w > 1 pushes further along the direction the label
adds (a difference of two score estimates: eps is -sqrt(1 - ab) times the score, so the difference is the score of
an implicit classifier p(c | x_t)). A negative label ("a 3, but not like an 8") takes the null answer's place.
Both answers come from ONE network call on the batch stacked twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from .samplers.base import Mix

# a class-conditional denoiser: net(x [B, C, H, W], t [B], label [B] int) -> eps [B, C, H, W]
LabelledNet = Callable[[Tensor, Tensor, Tensor], Tensor]


def guided_eps(eps_base: Tensor, eps_cond: Tensor, weight: float) -> Tensor:
    """eps_base + w (eps_cond - eps_base): eq. 6 of Ho & Salimans, with eps_base the null (or negative) answer."""
    return eps_base + weight * (eps_cond - eps_base)


@dataclass(frozen=True)
class LabelGuided:
    """A sampler's Model: the guided eps of ``net`` for ``label`` (None: no condition) at scale ``weight``, away from
    ``negative``'s answer when one is given; it answers a Mix (the guided eps; parts: base answer, label answer)."""

    net: LabelledNet
    null: int                       # the null label, "no condition" (the net's num_classes)
    label: int | None = None
    weight: float | Tensor = 1.0      # or one scale per sample, [B, 1, 1, 1] (several w from one batch)
    negative: int | None = None

    def __call__(self, x: Tensor, t: Tensor) -> Mix:
        n = len(x)
        base = self.null if self.negative is None else self.negative
        cond = self.null if self.label is None else self.label
        labels = torch.tensor([cond] * n + [base] * n, device=x.device)        # [2B]: one network call for both
        eps = self.net(torch.cat([x, x]), torch.cat([t, t]), labels)
        eps_cond, eps_base = eps[:n], eps[n:]
        return Mix(guided_eps(eps_base, eps_cond, self.weight), (eps_base, eps_cond))
