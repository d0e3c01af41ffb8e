"""Draw points (and arrows) into small RGB pictures, fast enough to stream a film."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def points_picture(points: np.ndarray, extent: float = 2.5, size: int = 320, *, mask: np.ndarray | None = None,
                   arrows: tuple[np.ndarray, np.ndarray] | None = None, unit_circle: bool = False,
                   color: tuple[int, int, int] = (178, 24, 43)) -> np.ndarray:
    """Points in [-extent, extent]^2 as dots on pale water: uint8 [size, size, 3]; optional shape outline,
    field arrows (positions, vectors) and the N(0, 1) 1- and 2-sigma circles."""
    im = Image.new("RGB", (size, size), (235, 244, 255))
    d = ImageDraw.Draw(im)

    def px(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (x + extent) / (2 * extent) * (size - 1), (extent - y) / (2 * extent) * (size - 1)

    if mask is not None:
        m = Image.fromarray((mask * 255).astype(np.uint8)).resize(
            (int(size / extent), int(size / extent)), Image.Resampling.NEAREST)
        tint = Image.new("RGB", m.size, (200, 215, 235))
        off = int((size - m.size[0]) / 2)
        im.paste(tint, (off, off), m)
    if unit_circle:
        for r in (1, 2):
            (x0, y0), (x1, y1) = px(np.array(-r), np.array(r)), px(np.array(r), np.array(-r))
            d.ellipse([float(x0), float(y0), float(x1), float(y1)], outline=(120, 120, 120))
    if arrows is not None:
        pos, vec = arrows
        norm = np.linalg.norm(vec, axis=1, keepdims=True)
        v = vec / np.maximum(norm, 1e-6) * 0.9 * (2 * extent / 15) * np.clip(norm / (norm.mean() + 1e-6), 0.3, 1.0)
        (ax, ay), (bx, by) = px(pos[:, 0], pos[:, 1]), px(pos[:, 0] + v[:, 0], pos[:, 1] + v[:, 1])
        for a, b, c, e in zip(ax, ay, bx, by):
            d.line([(a, b), (c, e)], fill=(37, 99, 235), width=1)
            d.ellipse([c - 1.5, e - 1.5, c + 1.5, e + 1.5], fill=(37, 99, 235))
    arr = np.asarray(im).copy()
    x, y = px(points[:, 0], points[:, 1])
    ok = (x >= 0) & (x < size - 1) & (y >= 0) & (y < size - 1)
    xi, yi = x[ok].astype(int), y[ok].astype(int)
    for dy in (0, 1):
        for dx in (0, 1):
            arr[yi + dy, xi + dx] = color
    return arr
