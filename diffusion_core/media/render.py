"""Draw points (and arrows) into small RGB pictures, fast enough to stream a film."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def points_picture(points: np.ndarray, extent: float = 2.5, size: int = 320, *, mask: np.ndarray | None = None,
                   arrows: tuple[np.ndarray, np.ndarray] | None = None, unit_circle: bool = False,
                   color: tuple[int, int, int] = (178, 24, 43),
                   arrow_color: tuple[int, int, int] = (37, 99, 235)) -> np.ndarray:
    """Points in [-extent, extent]^2 as dots on pale water: uint8 [size, size, 3]; optional shape outline,
    field arrows (positions, vectors; their grid's spacing sets their length) and the N(0, 1) 1- and 2-sigma circles."""
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
        spacing = np.ptp(pos[:, 0]) / max(np.sqrt(len(pos)) - 1, 1)            # the arrows' grid step
        v = vec / np.maximum(norm, 1e-6) * 0.9 * spacing * np.clip(norm / (norm.mean() + 1e-6), 0.3, 1.0)
        (ax, ay), (bx, by) = px(pos[:, 0], pos[:, 1]), px(pos[:, 0] + v[:, 0], pos[:, 1] + v[:, 1])
        for a, b, c, e in zip(ax, ay, bx, by):
            d.line([(a, b), (c, e)], fill=arrow_color, width=1)
            d.ellipse([c - 1.5, e - 1.5, c + 1.5, e + 1.5], fill=arrow_color)
    return _dots(np.asarray(im), points, extent, size, color)


def paths_picture(paths: np.ndarray, extent: float = 2.5, size: int = 320, *, mask: np.ndarray | None = None,
                  arrows: tuple[np.ndarray, np.ndarray] | None = None, base: np.ndarray | None = None,
                  color: tuple[int, int, int] = (60, 60, 60), width: int = 1, opacity: float = 0.35,
                  nodes: bool = False, arrow_color: tuple[int, int, int] = (37, 99, 235)) -> np.ndarray:
    """Paths of particles [steps + 1, N, 2] as see-through polylines (the shape and arrows show through) over pale
    water with the optional shape and arrows, or over ``base`` (a picture of the same extent, to overlay two sets);
    with ``nodes`` a ring marks every step's point. Where each path ends, a dot: uint8 [size, size, 3]."""
    under = base if base is not None else points_picture(np.zeros((0, 2)), extent, size, mask=mask, arrows=arrows,
                                                         arrow_color=arrow_color)
    im = Image.fromarray(under).convert("RGBA")
    ink = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(ink)
    px = (paths[..., 0] + extent) / (2 * extent) * (size - 1)
    py = (extent - paths[..., 1]) / (2 * extent) * (size - 1)
    fill = (*color, int(round(255 * opacity)))
    for i in range(paths.shape[1]):
        line = [(float(a), float(b)) for a, b in zip(px[:, i], py[:, i])]
        d.line(line, fill=fill, width=width, joint="curve")
        if nodes:
            for a, b in line:
                d.ellipse([a - 2.5, b - 2.5, a + 2.5, b + 2.5], outline=color + (255,))
    return _dots(np.asarray(Image.alpha_composite(im, ink).convert("RGB")), paths[-1], extent, size)


def _dots(picture: np.ndarray, points: np.ndarray, extent: float, size: int,
          color: tuple[int, int, int] = (178, 24, 43)) -> np.ndarray:
    """``picture`` with a 2 x 2 dot at each point (points in [-extent, extent]^2)."""
    arr = picture.copy()
    x = (points[:, 0] + extent) / (2 * extent) * (size - 1)
    y = (extent - points[:, 1]) / (2 * extent) * (size - 1)
    ok = (x >= 0) & (x < size - 1) & (y >= 0) & (y < size - 1)
    xi, yi = x[ok].astype(int), y[ok].astype(int)
    for dy in (0, 1):
        for dx in (0, 1):
            arr[yi + dy, xi + dx] = color
    return arr
