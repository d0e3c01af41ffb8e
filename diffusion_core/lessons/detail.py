"""Fine detail: how much a picture has, where a photo has the most, and a zoomed look at one square of it.

The reform section shows the model's sharp reform beside its blurry one-jump guess; at a whole photo's size the
difference is easy to miss, so it zooms into the square of the photo with the most fine detail, where the guess
loses the most. Fine detail here is band-pass energy: the mean |G_1 * x - G_3 * x| of the grey levels (G_s a
Gaussian blur of width s pixels), the edges and texture a few pixels across, with single-pixel speckle mostly
blurred away by G_1 (so a noisy guess does not count as sharp).
"""
from __future__ import annotations

import numpy as np
import torch

from ..media.metrics import gaussian_blur

BOX = 64                # side of the zoomed square, in working-image pixels (a 256-pixel photo: a sixteenth of it)
ZOOM = 4                # nearest-neighbour enlargement: one pixel becomes ZOOM x ZOOM screen pixels
FINE, COARSE = 1.0, 3.0  # the band: blur widths (pixels) whose difference is the detail


def _blur(grey: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = min(int(3.5 * sigma + 0.5), min(grey.shape[-2:]) - 1)           # reflect padding < the side
    return gaussian_blur(grey, sigma, radius) if radius > 0 else grey


def detail_map(picture: np.ndarray) -> np.ndarray:
    """|G_1 * x - G_3 * x| per pixel of a uint8 picture [H, W] or [H, W, C] (channels averaged), float64 [H, W]."""
    grey = torch.from_numpy(np.asarray(picture, np.float64).reshape(*picture.shape[:2], -1).mean(-1))[None, None]
    return (_blur(grey, FINE) - _blur(grey, COARSE)).abs()[0, 0].numpy()


def fine_detail(picture: np.ndarray) -> float:
    """Mean fine detail of a uint8 picture (grey levels 0..255): 0 for a flat picture, larger the sharper."""
    return float(detail_map(picture).mean())


def busiest_box(picture: np.ndarray, size: int = BOX) -> tuple[int, int]:
    """(top, left) of the size x size square (clipped to the picture) with the most fine detail."""
    size = min(size, *picture.shape[:2])
    d = np.pad(detail_map(picture).cumsum(0).cumsum(1), ((1, 0), (1, 0)))      # summed-area table
    sums = d[size:, size:] - d[:-size, size:] - d[size:, :-size] + d[:-size, :-size]
    top, left = np.unravel_index(np.argmax(sums), sums.shape)
    return int(top), int(left)


def box_around(shape: tuple[int, ...], x: float, y: float, size: int = BOX) -> tuple[int, int]:
    """(top, left) of the size x size square centred as near (x, y) as the picture [H, W, ...] allows."""
    size_y, size_x = min(size, shape[0]), min(size, shape[1])
    top = int(np.clip(round(y - size_y / 2), 0, shape[0] - size_y))
    left = int(np.clip(round(x - size_x / 2), 0, shape[1] - size_x))
    return top, left


def zoom(picture: np.ndarray, box: tuple[int, int], size: int = BOX, factor: int = ZOOM) -> np.ndarray:
    """The square at box (top, left) of the picture, each pixel repeated factor x factor times (nearest)."""
    top, left = box
    crop = picture[top:top + size, left:left + size]
    return crop.repeat(factor, axis=0).repeat(factor, axis=1)


def outline(picture: np.ndarray, box: tuple[int, int], size: int = BOX) -> np.ndarray:
    """A copy of a uint8 [H, W, 3] picture with a ring drawn just outside the square (dark outside a light line,
    seen on any colour); the square's own pixels are left exactly as they are."""
    out = np.array(picture, copy=True)
    h, w = out.shape[:2]
    top, left = box
    bottom, right = min(top + size, h), min(left + size, w)
    for ring, value in ((1, 255), (2, 0)):
        y0, y1, x0, x1 = top - ring, bottom - 1 + ring, left - ring, right - 1 + ring
        ys, xs = slice(max(y0, 0), min(y1, h - 1) + 1), slice(max(x0, 0), min(x1, w - 1) + 1)
        for y in (y0, y1):
            if 0 <= y < h:
                out[y, xs] = value
        for x in (x0, x1):
            if 0 <= x < w:
                out[ys, x] = value
    return out
