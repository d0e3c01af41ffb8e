"""One net from its files: assets/NAME.safetensors checked against its card assets/NAME.json, built and made ready
to serve (channels_last, a TorchScript freeze). A missing or corrupt file raises ModelUnavailable with a message that
names the file and the command that rebuilds it."""
from __future__ import annotations

import hashlib
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..unet import TinyUNet, UNetConfig
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


def rebuild_hint(name: str) -> str:
    return f"python -m diffusion_core.models.train --model {name}"


def channels_last_for(amp: torch.dtype | None, card: dict) -> bool:
    return amp is None or card["image"]["height"] >= 64


def load_net(name: str, dev: torch.device, assets: Path, amp: torch.dtype | None, channels_last: bool | None,
         frozen: bool) -> tuple[nn.Module, dict[str, Any]]:
    """The net assets/NAME.safetensors, checked against its card assets/NAME.json, ready to serve; and the card."""
    weights, card_path = assets / f"{name}.safetensors", assets / f"{name}.json"
    for p in (card_path, weights):
        if not p.is_file():
            raise ModelUnavailable(f"{p.name} is missing from assets/; rebuild it with `{rebuild_hint(name)}`")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelUnavailable(f"{card_path.name} is not valid JSON ({e}); rebuild with `{rebuild_hint(name)}`") from e
    if sha256_of(weights) != card.get("sha256"):
        raise ModelUnavailable(f"{weights.name} does not match the sha256 in {card_path.name} (corrupt or replaced); "
                               f"rebuild it with `{rebuild_hint(name)}`")
    try:
        net = TinyUNet(UNetConfig.from_dict(card["unet"]))
        net.load_state_dict(load_weights(weights))
    except Exception as e:
        raise ModelUnavailable(f"{weights.name} could not be loaded ({e}); rebuild it with `{rebuild_hint(name)}`") from e
    net = net.to(dev).eval().requires_grad_(False)
    channels_last = channels_last_for(amp, card) if channels_last is None else channels_last
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    if frozen and amp is None and dev.type == "cpu":
        net = freeze(net, (card["image"]["channels"], card["image"]["height"], card["image"]["width"]), channels_last)
    return net, card


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
