"""Served models: ``load("digits")`` -> the bundle assets/bundles/digits.json (a base net, its time experts and its
guide, bundles.py) as one model whose ``eps(x, t)`` a sampler calls.

Each net comes from its own files (netfiles.load_net: safetensors, no pickle, sha256 checked); a missing or corrupt
file raises ModelUnavailable with a message that names the file and the command that rebuilds it.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ..device import autocast_dtype, pick_device
from ..flow import VelocityOfEps
from ..paths import assets_dir
from ..schedule import NoiseSchedule
from .bundles import Options, bundle_file
from .netfiles import ModelUnavailable, channels_last_for, load_net, rebuild_hint, sha256_of  # noqa: F401


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
    """A served model (a bundle, or a net alone): call ``eps(x, t)`` (a sampler's Model) in the chosen precision."""

    name: str
    net: nn.Module                              # the base net: a TinyUNet, or its TorchScript freeze (``load``'s frozen)
    schedule: NoiseSchedule
    card: dict[str, Any]                        # the base net's card: what it is and how it was trained
    device: torch.device
    amp_dtype: torch.dtype | None
    channels_last: bool = True
    experts: tuple[Expert, ...] = ()            # the bundle's experts: nets for some timesteps, net for the rest
    guide: Guide | None = None                  # the bundle's guide; None: plain eps
    bundle: dict[str, Any] = field(default_factory=dict)   # assets/bundles/NAME.json: parts, options, figures

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
        hardware has it. A class-conditional net: with ``label`` [B] (the null label among them), the net's own
        answers, which classifier-free guidance mixes; without, its unconditional answer as served (guided)."""
        ctx = torch.autocast(self.device.type, dtype=self.amp_dtype) if self.amp_dtype else contextlib.nullcontext()
        with torch.inference_mode(), ctx:
            fmt = torch.channels_last if self.channels_last else torch.contiguous_format
            x = x.to(self.device, torch.float32).contiguous(memory_format=fmt)
            t = t.to(self.device)
            if label is not None:   # a label's answer, or the null label's inside a guided mix: the net's own
                return self.net(x, t, label.to(self.device)).float().contiguous()
            return self._guided(x, t, self._routed(x, t)).float().contiguous()

    @property
    def objective(self) -> str:
        """What the net answers: "eps" (the noise; samplers.SAMPLERS) or "flow" (the velocity; flow.FLOW_SAMPLERS)."""
        return str(self.card.get("objective", "eps"))

    @property
    def options(self) -> Options:
        """The bundle's serving options (bundles.Options; the defaults for a net served alone)."""
        return Options(**self.bundle.get("options", {}))

    @property
    def time_shift(self) -> float:
        """A flow net's grid shift k (flow.shifted_grid), 1 for the even grid."""
        return float(self.options.time_shift)

    def figures(self, key: str) -> dict[str, Any]:
        """A block of figures measured on what is served (bundles.FIGURES: "quality", "guidance"); {} if none."""
        return self.bundle.get(key, {})

    @property
    def num_classes(self) -> int:
        """Labels a class-conditional net takes (its null label is this number); 0 for an unconditional net."""
        return int(self.card["unet"].get("num_classes", 0))

    @property
    def self_guided(self) -> bool:
        """True when the guide is the base net itself (its experts pushed away from the net they came from)."""
        return self.guide is not None and self.guide.net is self.net

    def _owners(self, t: Tensor) -> Tensor:
        """[B] the net that takes each image's t: 0 the base, i experts[i - 1] (of overlapping ranges the bundle's
        later expert wins)."""
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
        """eps pushed away from the guide's guess, for the images whose t is in the guide's range. (A conditional
        net is guided only where it is asked for no label: its unconditional answer, as a model of its own.)"""
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
        bundle's first expert, net 3 its second (net 1, the base, takes every t not listed)."""
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


def served_dtype(cpu_precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype of precision "auto": the device's (device.autocast_dtype), except fp32 on a CPU where the
    bundle's options say "cpu_precision": "fp32" (nets so small that per-op overhead bounds them)."""
    if device.type == "cpu" and cpu_precision == "fp32":
        return None
    return autocast_dtype(device)


def load(name: str, device: torch.device | str | None = None, assets: Path | None = None,
         precision: str = "auto", channels_last: bool | None = None, frozen: bool | None = None) -> Pretrained:
    """Load the bundle NAME (assets/bundles/NAME.json: a base net, its experts and guide, its options), or the net
    NAME alone where no bundle has that name; precision "auto" | "fp32" | "bf16". Each net's weights are checked
    against its card's sha256 and the bundle's.

    channels_last None = auto: on for fp32 (1.14x in bench/samplers.py); under bf16 autocast off for
    small images (28 x 28 digits at batch 16: the plain layout 1.2x faster on these CPUs) and on for
    large ones (the photos model at 256 x 256: channels_last 1.65x faster).
    frozen None = auto: a net that runs fp32 on a CPU is served as its TorchScript freeze (``freeze``) where the
    bundle's cpu_precision is "fp32" (a small net bound by per-op overhead); True: wherever it runs fp32 on a CPU.
    """
    assets = assets or assets_dir()
    bundle = read_bundle(name, assets)
    options = Options(**bundle.get("options", {}))
    dev = torch.device(device) if device is not None else pick_device()
    amp = {"auto": served_dtype(options.cpu_precision, dev), "fp32": None, "bf16": torch.bfloat16}[precision]
    if frozen is None:
        frozen = options.cpu_precision == "fp32"
    nets: dict[str, tuple[nn.Module, dict]] = {}
    for part in parts_of(bundle):             # each net once (a base that guides its own experts is one net)
        if part["name"] not in nets:
            nets[part["name"]] = load_net(part["name"], dev, assets, amp, channels_last, frozen)
        card = nets[part["name"]][1]
        if "sha256" in part and part["sha256"] != card["sha256"]:
            raise ModelUnavailable(f"{part['name']} was rebuilt since the bundle {name} was assembled; assemble it "
                                   f"again with `python -m diffusion_core.models.bundles {name}`")
    net, card = nets[bundle["base"]["name"]]
    schedule = NoiseSchedule(card.get("schedule", "linear"), card.get("num_train_timesteps", 1000))
    experts = tuple(Expert(*e["t"], nets[e["name"]][0], e["sha256"]) for e in bundle.get("experts", []))
    return Pretrained(name, net, schedule, card, dev, amp, channels_last if channels_last is not None else
                      channels_last_for(amp, card), experts, _guide(bundle, card, nets), bundle)


def parts_of(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The base, the experts and the guide entries of a bundle."""
    return [bundle["base"], *bundle.get("experts", []), *([bundle["guide"]] if "guide" in bundle else [])]


def check_bundle(bundle: dict[str, Any]) -> None:
    """Raise KeyError, TypeError or ValueError where a bundle is malformed: known options, every part named, every
    expert's and the guide's timesteps two in order, a finite guide weight."""
    Options(**bundle.get("options", {}))
    for part in parts_of(bundle):
        if not isinstance(part["name"], str):
            raise TypeError(f"part name {part['name']!r}")
    for part in parts_of(bundle)[1:]:
        first, last = (int(t) for t in part["t"])
        if not 0 <= first <= last:
            raise ValueError(f"timesteps {part['t']}")
    if "guide" in bundle and not math.isfinite(float(bundle["guide"]["weight"])):
        raise ValueError(f"guide weight {bundle['guide']['weight']}")


def read_bundle(name: str, assets: Path) -> dict[str, Any]:
    """assets/bundles/NAME.json, checked (every part named, every range two timesteps in order, a finite guide
    weight, known options); where there is none, the net NAME served alone."""
    path = bundle_file(name, assets)
    if not path.is_file():
        return {"name": name, "base": {"name": name}}
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
        check_bundle(bundle)
    except (OSError, KeyError, TypeError, ValueError) as e:
        raise ModelUnavailable(f"bundles/{path.name} is malformed ({e}); assemble it again with "
                               f"`python -m diffusion_core.models.bundles {name}`") from e
    return bundle


def _guide(bundle: dict, card: dict, nets: dict[str, tuple[nn.Module, dict]]) -> Guide | None:
    """The bundle's guide, or None. A noise-predicting guide of a flow net answers as a velocity (flow.VelocityOfEps);
    a conditional net's guide must take the same labels."""
    if "guide" not in bundle:
        return None
    g = bundle["guide"]
    net, guide_card = nets[g["name"]]
    labels = int(card["unet"].get("num_classes", 0)), int(guide_card["unet"].get("num_classes", 0))
    if g["name"] != bundle["base"]["name"] and labels[0] != labels[1]:     # a label means the same to both nets
        raise ModelUnavailable(f"the guide {g['name']} takes {labels[1]} labels, the net {labels[0]}; rebuild with "
                               f"`{rebuild_hint(g['name'])}`")
    if card.get("objective", "eps") == "flow" and guide_card.get("objective", "eps") == "eps":
        net = VelocityOfEps(net, NoiseSchedule(guide_card.get("schedule", "linear")))
    return Guide(*g["t"], float(g["weight"]), net, g["sha256"])
