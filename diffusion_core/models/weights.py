"""The shipped weight files: safetensors in float32, float16 or int8, loaded back as a float32 state dict.

int8 is symmetric and per output channel: a weight w [out, ...] is stored as q = round(w / s) in [-127, 127]
with one float32 scale s = max|w_row| / 127 a row (under the key NAME + SCALE); at most s / 2 off an entry.
Biases and norms (1-D) stay float32: they are a few thousand numbers.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor

DTYPES = ("float32", "float16", "int8")
SCALE = "::int8_scale"


def quantize(w: Tensor) -> tuple[Tensor, Tensor]:
    """(q int8 [out, ...], scale float32 [out]) of a float weight w [out, ...]; w ~ q * scale per row."""
    w = w.float()
    scale = (w.abs().flatten(1).amax(1) / 127).clamp(min=torch.finfo(torch.float32).tiny)    # [out]
    q = (w / scale.view(-1, *[1] * (w.dim() - 1))).round().clamp(-127, 127).to(torch.int8)
    return q, scale


def pack(state: dict[str, Tensor], dtype: str) -> dict[str, Tensor]:
    """The tensors to write for a float state dict in ``dtype`` (one of DTYPES)."""
    if dtype not in DTYPES:
        raise ValueError(f"weights dtype must be one of {DTYPES}, got {dtype!r}")
    if dtype != "int8":
        return {k: v.to(getattr(torch, dtype)).contiguous() for k, v in state.items()}
    out: dict[str, Tensor] = {}
    for k, v in state.items():
        if v.dim() >= 2:
            out[k], out[k + SCALE] = quantize(v)
        else:
            out[k] = v.float().contiguous()
    return out


def unpack(tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    """The float32 state dict of tensors written by ``pack`` (any dtype)."""
    state = {}
    for k, v in tensors.items():
        if k.endswith(SCALE):
            continue
        scale = tensors.get(k + SCALE)
        state[k] = v.float() if scale is None else v.float() * scale.float().view(-1, *[1] * (v.dim() - 1))
    return state


def save_weights(state: dict[str, Tensor], path: Path, dtype: str) -> None:
    """Write a state dict to a safetensors file in ``dtype``."""
    save_file(pack(state, dtype), str(path))


def load_weights(path: Path) -> dict[str, Tensor]:
    """A float32 state dict from a safetensors file written by ``save_weights`` (or any plain one)."""
    return unpack(load_file(str(path)))
