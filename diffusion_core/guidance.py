"""Classifier-free guidance (Ho & Salimans 2022, eq. 6): steer a class-conditional net with a label.

One net learned eps(x_t, t, c) for each label c and, with the label dropped in training, eps(x_t, t, null). At each
step the two answers are mixed:

    eps = eps(x_t, null) + w * (eps(x_t, c) - eps(x_t, null))

w = 0 is the unconditional model, w = 1 the conditional one, w > 1 pushes further along the direction the label
adds (a difference of two score estimates: eps is -sqrt(1 - ab) times the score, so the difference is the score of
an implicit classifier p(c | x_t)). A negative label ("a 3, but not like an 8") takes the null answer's place.
Both answers come from ONE network call on the batch stacked twice.

Where the mix is the unconditional answer alone (no label, or w = 0), it is asked of the model without a label:
the unconditional model as served, which may improve on the net's null answer (pretrained: a bundle's guide).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from .samplers.base import Mix

# a class-conditional denoiser: net(x [B, C, H, W], t [B], label [B] int) -> eps [B, C, H, W]; net(x, t) without a
# label is its unconditional answer
LabelledNet = Callable[..., Tensor]


def guided_eps(eps_base: Tensor, eps_cond: Tensor, weight: float) -> Tensor:
    """eps_base + w (eps_cond - eps_base): eq. 6 of Ho & Salimans, with eps_base the null (or negative) answer."""
    return eps_base + weight * (eps_cond - eps_base)


@dataclass(frozen=True)
class LabelGuided:
    """A sampler's Model: the guided eps of ``net`` for ``label`` (None: no condition) at scale ``weight``, away from
    ``negative``'s answer when one is given; it answers a Mix (the guided eps; parts: base answer, label answer).

    Only the answers the mix needs are asked for, all in ONE network call: w = 1 is the label's answer alone and
    w = 0 the base answer alone (a batch of B), any other w both (2B). With ``interval`` (network timesteps
    [lo, hi]) the scale w > 1 applies only there and the label's answer alone elsewhere: guidance in a limited
    interval (Kynkaenniemi et al. 2024), which pays for two answers on the middle steps only. ``both`` asks for
    both answers at every step (to show them); the parts come only where both were computed. The unconditional
    answer alone (no label, or w = 0 without a negative) is ``net(x, t)``, asked without a label."""

    net: LabelledNet
    null: int                       # the null label, "no condition" (the net's num_classes)
    label: int | None = None
    weight: float | Tensor = 1.0      # or one scale per sample, [B, 1, 1, 1] (several w from one batch)
    negative: int | None = None
    interval: tuple[float, float] | None = None
    both: bool = False

    def scales(self, t: Tensor) -> Tensor:
        """The scale each sample's mix takes at its timestep t [B]: w, or min(w, 1) outside the interval. [B]"""
        w = torch.as_tensor(self.weight, dtype=torch.float32, device=t.device).reshape(-1).expand(len(t))
        if self.interval is None:
            return w
        lo, hi = self.interval
        return torch.where((t >= lo) & (t <= hi), w, w.clamp(max=1.0))

    def __call__(self, x: Tensor, t: Tensor) -> Mix:
        if self.label is None and self.negative is None:          # no label: the unconditional model, as served
            eps = self.net(x, t)
            return Mix(eps, (eps, eps) if self.both else ())
        w = self.scales(t)                                                       # [B]
        alone = (w == 0) & (self.negative is None)               # [B] the mix is the unconditional answer alone
        need_cond, need_base = (w != 0) | self.both, ((w != 1) | self.both) & ~alone     # [B] each
        base = self.null if self.negative is None else self.negative
        cond = self.null if self.label is None else self.label
        k = int(need_cond.sum())                                                 # rows asked for the label
        labels = torch.tensor([cond] * k + [base] * int(need_base.sum()), device=x.device)
        eps_cond, eps_base = torch.empty_like(x), torch.empty_like(x)
        if len(labels):
            eps = self.net(torch.cat([x[need_cond], x[need_base]]), torch.cat([t[need_cond], t[need_base]]), labels)
            eps_cond[need_cond], eps_base[need_base] = eps[:k], eps[k:]
        if alone.any():                                          # asked without a label: as served
            eps_base[alone] = self.net(x[alone], t[alone])
            need_base = need_base | alone
        eps_cond[~need_cond] = eps_base[~need_cond]               # w = 0 there: the mix is the base answer
        eps_base[~need_base] = eps_cond[~need_base]               # w = 1 there: the mix is the label's answer
        mix = guided_eps(eps_base, eps_cond, w.view(-1, *[1] * (x.ndim - 1)).to(x.dtype))
        shown = bool(need_cond.all() and need_base.all())
        return Mix(mix, (eps_base, eps_cond) if shown else ())
