"""Shipped models: ``load("digits")`` -> model, schedule and card from assets/, sha256 checked.

Weights are safetensors (no pickle). A missing or corrupt file raises ModelUnavailable with a
message that names the file and the command that rebuilds it.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import math
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from .device import autocast_dtype, pick_device
from .flow import VelocityOfEps
from .paths import assets_dir
from .schedule import NoiseSchedule
from .unet import TinyUNet, UNetConfig
from .weights import load_weights

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """A shipped model cannot be loaded; the message says which file and how to rebuild it."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Expert:
    """A net that takes over the network timesteps first..last (a time expert: eDiff-I, Balaji et al. 2022)."""

    first: float
    last: float
    net: nn.Module
    sha256: str


@dataclass(frozen=True)
class Guide:
    """A weaker net the served guess is pushed away from on network timesteps first..last (autoguidance, Karras et
    al. 2024, eq. 2): eps = eps_guide + weight (eps - eps_guide); weight 1 is no guidance. The guide may be the base
    net itself: its experts, fine-tuned from it, are then pushed away from it (where the base answers, eps stays)."""

    first: float
    last: float
    weight: float
    net: nn.Module
    sha256: str


@dataclass
class Pretrained:
    """A loaded model: call ``eps(x, t)`` (a sampler's Model) in the chosen precision."""

    name: str
    net: nn.Module                              # a TinyUNet, or its TorchScript freeze (``load``'s frozen)
    schedule: NoiseSchedule
    card: dict[str, Any]
    device: torch.device
    amp_dtype: torch.dtype | None
    channels_last: bool = True
    experts: tuple[Expert, ...] = ()            # the card's "experts": nets for some timesteps, net for the rest
    guide: Guide | None = None                  # the card's "guide"; None: plain eps

    @property
    def precision(self) -> str:
        """"bf16" where the network runs under bf16 autocast, else "fp32"."""
        return "bf16" if self.amp_dtype == torch.bfloat16 else "fp32"

    @property
    def sha256(self) -> str:
        """The weights' sha256, each expert's after a "+", the guide's after "+guide:": which model a measured
        figure belongs to."""
        return "+".join([self.card["sha256"], *(e.sha256 for e in self.experts),
                         *((f"guide:{self.guide.sha256}",) if self.guide else ())])

    def unguided(self) -> "Pretrained":
        """The same nets without the guide (the plain eps of the nets, as they were trained)."""
        return replace(self, guide=None)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        c = self.card["image"]
        return (c["channels"], c["height"], c["width"])

    def eps(self, x: Tensor, t: Tensor, label: Tensor | None = None) -> Tensor:
        """eps_theta(x_t, t) -> float32 (routed to its expert, then guided), no autograd; bf16 autocast where the
        hardware has it. A class-conditional net takes ``label`` [B] (its null label, "no condition", where None)."""
        ctx = torch.autocast(self.device.type, dtype=self.amp_dtype) if self.amp_dtype else contextlib.nullcontext()
        with torch.inference_mode(), ctx:
            fmt = torch.channels_last if self.channels_last else torch.contiguous_format
            x = x.to(self.device, torch.float32).contiguous(memory_format=fmt)
            t = t.to(self.device)
            if label is not None:                           # a conditional net is served alone (no experts, guide)
                return self.net(x, t, label.to(self.device)).float().contiguous()
            return self._guided(x, t, self._routed(x, t)).float().contiguous()

    @property
    def objective(self) -> str:
        """What the net answers: "eps" (the noise; samplers.SAMPLERS) or "flow" (the velocity; flow.FLOW_SAMPLERS)."""
        return str(self.card.get("objective", "eps"))

    @property
    def time_shift(self) -> float:
        """A flow net's grid shift k (flow.shifted_grid; its card's "sampling": {"time_shift": k}), 1 if none."""
        return float(self.card.get("sampling", {}).get("time_shift", 1.0))

    @property
    def num_classes(self) -> int:
        """Labels a class-conditional net takes (its null label is this number); 0 for an unconditional net."""
        return int(self.card["unet"].get("num_classes", 0))

    @property
    def self_guided(self) -> bool:
        """True when the guide is the base net itself (its experts pushed away from the net they came from)."""
        return self.guide is not None and self.guide.net is self.net

    def _owners(self, t: Tensor) -> Tensor:
        """[B] the net that takes each image's t: 0 the base, i experts[i - 1] (of overlapping ranges the card's later
        entry wins)."""
        which = torch.zeros(t.shape, dtype=torch.long, device=t.device)
        for i, e in enumerate(self.experts, start=1):
            which[(t >= e.first) & (t <= e.last)] = i
        return which

    def _routed(self, x: Tensor, t: Tensor) -> Tensor:
        """Each image's eps from the expert whose range holds its t, else from the base net."""
        if not self.experts:
            return self.net(x, t)
        which = self._owners(t)                                             # [B]
        nets = (self.net, *(e.net for e in self.experts))
        groups = which.unique().tolist()
        if len(groups) == 1:                     # a sampler's step: one t for the whole batch
            return nets[groups[0]](x, t)
        out = torch.empty_like(x)
        for i in groups:
            rows = which == i
            out[rows] = nets[i](x[rows], t[rows]).to(out.dtype)
        return out

    def _guided(self, x: Tensor, t: Tensor, eps: Tensor) -> Tensor:
        """eps pushed away from the guide's guess, for the images whose t is in the guide's range."""
        g = self.guide
        if g is None or g.weight == 1.0:
            return eps
        t = t.expand(len(x)) if t.ndim == 0 else t
        rows = (t >= g.first) & (t <= g.last)                                 # [B]
        if self.self_guided:                    # guided by the base itself: only the rows an expert answered change
            rows &= self._owners(t) != 0
        if not rows.any():
            return eps
        if rows.all():
            eps_g = g.net(x, t).to(eps.dtype)
            return eps_g + g.weight * (eps - eps_g)
        eps_g = g.net(x[rows], t[rows]).to(eps.dtype)
        out = eps.clone()
        out[rows] = eps_g + g.weight * (eps[rows] - eps_g)
        return out

    def routes(self) -> tuple[tuple[int, int, int], ...]:
        """(first t, last t, net) for each run of network timesteps an expert takes, in t order; net 2 is the
        card's first expert, net 3 its second (net 1, the base, takes every t not listed)."""
        owner = [1] * self.schedule.num_steps                              # [T] the net that takes each t
        for net, e in enumerate(self.experts, start=2):                    # a later entry wins on overlap
            for t in range(max(0, int(e.first)), min(len(owner) - 1, int(e.last)) + 1):
                owner[t] = net
        runs, first = [], 0
        for net, group in itertools.groupby(owner):
            last = first + len(list(group)) - 1
            if net != 1:
                runs.append((first, last, net))
            first = last + 1
        return tuple(runs)

    def flops_per_call(self, batch: int = 1, t: float = 500.0) -> int:
        """FLOPs of one served eps(x, t) for ``batch`` images at network timestep t: the net that takes it, and the
        guide where it guides (torch.utils.flop_counter, which counts a multiply-add as 2)."""
        from torch.utils.flop_counter import FlopCounterMode

        x, tt = torch.zeros(batch, *self.image_shape), torch.full((batch,), float(t))
        with FlopCounterMode(display=False) as fc:
            self.eps(x, tt)
        return fc.get_total_flops()

    __call__ = eps


def small_net(card: dict[str, Any]) -> bool:
    """The card says "cpu_precision": "fp32": a net so small that per-op overhead bounds it on a CPU."""
    return card.get("cpu_precision") == "fp32"


def served_dtype(card: dict[str, Any], device: torch.device) -> torch.dtype | None:
    """The autocast dtype of precision "auto": the device's (device.autocast_dtype), except fp32 on a CPU for a
    ``small_net``."""
    if device.type == "cpu" and small_net(card):
        return None
    return autocast_dtype(device)


def rebuild_hint(name: str) -> str:
    return f"python -m diffusion_core.train --model {name}"


def load(name: str, device: torch.device | str | None = None, assets: Path | None = None,
         precision: str = "auto", channels_last: bool | None = None, frozen: bool | None = None) -> Pretrained:
    """Load assets/NAME.safetensors with its card assets/NAME.json; precision "auto" | "fp32" | "bf16".

    channels_last None = auto: on for fp32 (1.14x in bench/samplers.py); under bf16 autocast off for
    small images (28 x 28 digits at batch 16: the plain layout 1.2x faster on these CPUs) and on for
    large ones (the photos model at 256 x 256: channels_last 1.65x faster).
    frozen None = auto: a net that runs fp32 on a CPU is served as its TorchScript freeze (``freeze``) where the
    card says "cpu_precision": "fp32" (a small net bound by per-op overhead); True: wherever it runs fp32 on a CPU.
    """
    assets = assets or assets_dir()
    weights, card_path = assets / f"{name}.safetensors", assets / f"{name}.json"
    for p in (card_path, weights):
        if not p.is_file():
            raise ModelUnavailable(f"{p.name} is missing from assets/; rebuild it with `{rebuild_hint(name)}`")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelUnavailable(f"{card_path.name} is not valid JSON ({e}); rebuild with `{rebuild_hint(name)}`") from e
    digest = sha256_of(weights)
    if digest != card.get("sha256"):
        raise ModelUnavailable(f"{weights.name} does not match the sha256 in {card_path.name} (corrupt or replaced); "
                               f"rebuild it with `{rebuild_hint(name)}`")
    dev = torch.device(device) if device is not None else pick_device()
    try:
        net = TinyUNet(UNetConfig.from_dict(card["unet"]))
        net.load_state_dict(load_weights(weights))
    except Exception as e:
        raise ModelUnavailable(f"{weights.name} could not be loaded ({e}); rebuild it with `{rebuild_hint(name)}`") from e
    net = net.to(dev).eval().requires_grad_(False)
    amp = {"auto": served_dtype(card, dev), "fp32": None, "bf16": torch.bfloat16}[precision]
    if channels_last is None:
        channels_last = amp is None or card["image"]["height"] >= 64
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    if frozen is None:
        frozen = small_net(card)
    if frozen and amp is None and dev.type == "cpu":
        net = freeze(net, (card["image"]["channels"], card["image"]["height"], card["image"]["width"]), channels_last)
    schedule = NoiseSchedule(card.get("schedule", "linear"), card.get("num_train_timesteps", 1000))
    # "experts": [{"name": ..., "steps": [lo, hi]}], step counts k = 1..T (network timestep t = k - 1)
    experts = []
    for e in card.get("experts", []):
        try:
            lo, hi = (int(k) for k in e["steps"])
        except (KeyError, TypeError, ValueError) as err:
            raise ModelUnavailable(f"{card_path.name} has a malformed expert {e!r}; rebuild with `{rebuild_hint(name)}`") from err
        m = load(e["name"], dev, assets, precision, channels_last, frozen)
        experts.append(Expert(lo - 1, hi - 1, m.net, m.card["sha256"]))
    return Pretrained(name, net, schedule, card, dev, amp, channels_last, tuple(experts),
                      _load_guide(card, name, net, card_path.name, dev, assets, precision, channels_last, frozen))


def freeze(net: TinyUNet, image_shape: tuple[int, int, int], channels_last: bool) -> nn.Module:
    """The net traced and frozen by TorchScript for images of ``image_shape`` (weights folded into one graph, no
    Python between modules: 1.13-1.19x a call for the digits student at batch 16 on 2 cores), checked against the
    net on another batch size and fractional t; the net itself where tracing fails or disagrees."""
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    x = torch.randn(2, *image_shape, generator=torch.Generator().manual_seed(0)).contiguous(memory_format=fmt)
    x3, t3 = torch.cat([x, x[:1].flip(-1)]), torch.tensor([0.0, 333.5, 999.0])
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")               # torch.jit's deprecation notice, shape-tracing notes
            traced = torch.jit.freeze(torch.jit.trace(net, (x, torch.full((2,), 500.0))))
            same = torch.allclose(traced(x3, t3), net(x3, t3), atol=1e-4)
    except Exception as e:                                # noqa: BLE001 - any failure: serve the plain net
        log.warning("TorchScript could not freeze the net for %s images (%s: %s); serving it unfrozen",
                    image_shape, type(e).__name__, e)
        return net
    if not same:
        log.warning("the frozen net disagreed with the net for %s images (beyond 1e-4); serving it unfrozen",
                    image_shape)
    return traced if same else net


def _load_guide(card: dict, name: str, base: nn.Module, card_file: str, dev: torch.device, assets: Path, precision: str,
                channels_last: bool, frozen: bool) -> Guide | None:
    """The card's "guide": {"name": ..., "weight": w, "steps": [lo, hi]} (step counts k = 1..T), loaded; or None.
    A guide named like the card itself is the base net ``base``."""
    if "guide" not in card:
        return None
    try:
        g = card["guide"]
        lo, hi = (int(k) for k in g["steps"])
        weight = float(g["weight"])
        guide_name = str(g["name"])
        if not math.isfinite(weight):
            raise ValueError(f"weight {weight}")
    except (KeyError, TypeError, ValueError) as err:
        raise ModelUnavailable(f"{card_file} has a malformed guide {card.get('guide')!r}; rebuild with "
                               f"`{rebuild_hint(card.get('name', '?'))}`") from err
    if guide_name == name:
        return Guide(lo - 1, hi - 1, weight, base, card["sha256"])
    m = load(guide_name, dev, assets, precision, channels_last, frozen)
    net = m.net
    if card.get("objective", "eps") == "flow" and m.objective == "eps":     # a diffusion net guiding a flow net
        net = VelocityOfEps(m.net, m.schedule)
    return Guide(lo - 1, hi - 1, weight, net, m.card["sha256"])
