"""2-D diffusion on points: shapes of dye, the forward process on them, and a tiny denoiser trained live.

Points live in [-1, 1]^2 (data scale). Tensors of points are shaped [N, 2, 1, 1] so the image
samplers run on them unchanged.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import Tensor, nn

from .schedule import NoiseSchedule

MASK = 128                     # raster of a shape's mask over [-1, 1]^2
PRESETS = ("heart", "kuo", "spiral", "moons")


def _rasterize_text(text: str) -> np.ndarray | None:
    from PIL import Image, ImageDraw, ImageFont

    from .plots import cjk_font_path

    path = cjk_font_path()
    if path is None:
        return None
    im = Image.new("L", (MASK, MASK), 0)
    font = ImageFont.truetype(path, int(MASK * 0.85))
    ImageDraw.Draw(im).text((MASK / 2, MASK / 2), text, fill=255, font=font, anchor="mm")
    return np.asarray(im) > 127


def preset_mask(name: str) -> np.ndarray:
    """A boolean [MASK, MASK] mask (row 0 = top, y = +1) of a preset shape."""
    u = (np.arange(MASK) + 0.5) / MASK * 2 - 1
    x, y = np.meshgrid(u, -u)
    if name == "heart":
        xx, yy = x * 1.25, y * 1.25 + 0.15
        return (xx**2 + yy**2 - 0.6) ** 3 - xx**2 * yy**3 * 1.2 < 0
    if name == "spiral":
        r, th = np.hypot(x, y), np.arctan2(y, x)
        arm = np.mod(th + 2 * np.pi * r / 0.45 * 1.0, 2 * np.pi)
        return (np.abs(arm - np.pi) < 0.75) & (r > 0.08) & (r < 0.92)
    if name == "moons":
        a = (np.abs(np.hypot(x + 0.25, y + 0.1) - 0.5) < 0.12) & (y > -0.1)
        b = (np.abs(np.hypot(x - 0.25, y - 0.1) - 0.5) < 0.12) & (y < 0.1)
        return a | b
    if name == "kuo":
        m = _rasterize_text("扩")
        return m if m is not None and m.sum() > 200 else preset_mask("heart")
    raise ValueError(f"unknown preset {name!r}; choose from {PRESETS}")


def mask_from_drawing(alpha_or_gray: np.ndarray, min_pixels: int = 30) -> np.ndarray:
    """A learner's drawing (uint8 [H, W], ink > 0) as a [MASK, MASK] mask; ValueError if too little is drawn."""
    from PIL import Image

    ink = Image.fromarray((alpha_or_gray > 0).astype(np.uint8) * 255).resize((MASK, MASK), Image.Resampling.BILINEAR)
    m = np.asarray(ink) > 60
    if m.sum() < min_pixels:
        raise ValueError("too few points drawn")
    return m


def sample_mask(mask: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n points drawn uniformly from the mask's pixels (with sub-pixel jitter): [n, 2] in [-1, 1]^2."""
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(mask)
    pick = rng.integers(0, len(rows), n)
    px = (cols[pick] + rng.random(n)) / MASK * 2 - 1
    py = 1 - (rows[pick] + rng.random(n)) / MASK * 2
    return np.stack([px, py], 1).astype(np.float32)


def inside_share(points: np.ndarray, mask: np.ndarray, tol: float = 0.06) -> float:
    """Share of points within ``tol`` (data units) of the shape: the mask dilated by tol, then looked up."""
    r = max(1, int(round(tol / 2 * MASK)))
    padded = np.pad(mask, r)
    grown = np.zeros_like(mask)
    for dy in range(-r, r + 1):                      # dilation by a disc of radius r pixels
        for dx in range(-r, r + 1):
            if dx * dx + dy * dy <= r * r:
                grown |= padded[r + dy:r + dy + MASK, r + dx:r + dx + MASK]
    c = np.clip(((points[:, 0] + 1) / 2 * MASK).astype(int), 0, MASK - 1)
    rr = np.clip(((1 - points[:, 1]) / 2 * MASK).astype(int), 0, MASK - 1)
    ok = np.all(np.abs(points) <= 1 + tol, axis=1)
    return float((grown[rr, c] & ok).mean())


def forward_points(x0: np.ndarray, k: int, schedule: NoiseSchedule, seed: int) -> np.ndarray:
    """The diffusion model's forward process on points: x_k = sqrt(ab_k) x_0 + sqrt(1 - ab_k) eps."""
    eps = np.random.default_rng(seed).standard_normal(x0.shape)
    return schedule.signal_weight(k) * x0 + schedule.noise_weight(k) * eps


class PointDenoiser(nn.Module):
    """eps_theta(x_t, t) for 2-D points: an MLP on (x, y), Fourier features of (x, y) and of t.

    The Fourier features sin/cos(2^j pi x) (Tancik et al. 2020) let a small MLP bend its field around
    thin strokes (a spiral arm, the character 扩) within seconds instead of minutes."""

    def __init__(self, hidden: int = 128, t_features: int = 16, octaves: int = 8):
        super().__init__()
        self.t_features, self.octaves = t_features, octaves
        self.net = nn.Sequential(nn.Linear(2 + 4 * octaves + t_features, hidden), nn.SiLU(),
                                 nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, 2))

    def forward(self, x: Tensor, t: Tensor) -> Tensor:      # x [N, 2, 1, 1] or [N, 2], t [N] -> same shape as x
        shape = x.shape
        xy = x.reshape(len(x), 2).float()
        half = self.t_features // 2
        freqs = torch.exp(-math.log(1000.0) * torch.arange(half, dtype=torch.float32) / half)
        ang = t.float()[:, None] * freqs[None] / 1000 * 2 * math.pi * 8                    # [N, half]
        octave = (2.0 ** torch.arange(self.octaves, dtype=torch.float32)) * math.pi          # [octaves]
        xf = (xy[:, :, None] * octave).reshape(len(x), -1)                                   # [N, 2 * octaves]
        h = torch.cat([xy, torch.sin(xf), torch.cos(xf), torch.sin(ang), torch.cos(ang)], 1)
        return self.net(h).reshape(shape)


@dataclass(frozen=True)
class TrainTick:
    step: int
    seconds: float
    loss: float


def train_points(model: PointDenoiser, data: np.ndarray, schedule: NoiseSchedule, *, seconds: float, seed: int = 0,
                 batch: int = 512, lr: float = 1e-2, report_every: float = 0.5) -> Iterator[TrainTick]:
    """Train for ``seconds`` of wall time (batches with a random t per point); yield the loss now and then.

    The learning rate follows a cosine over the time budget, so the last seconds polish the details."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x_all = torch.from_numpy(data).float()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    t0 = last = time.perf_counter()
    step, window, mean = 0, [], float("nan")
    model.train()
    while time.perf_counter() - t0 < seconds:
        x0 = x_all[torch.randint(0, len(x_all), (batch,), generator=gen)]
        k = torch.randint(1, schedule.num_steps + 1, (batch,), generator=gen)          # a random t per point
        eps = torch.randn(x0.shape, generator=gen)
        loss = nn.functional.mse_loss(model(schedule.add_noise(x0, k, eps), (k - 1).float()), eps)
        frac = min(1.0, (time.perf_counter() - t0) / seconds)
        for g in opt.param_groups:
            g["lr"] = lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        window.append(loss.item())
        if time.perf_counter() - last >= report_every:
            last, mean = time.perf_counter(), float(np.mean(window))
            yield TrainTick(step, last - t0, mean)
            window = []
    model.eval()
    yield TrainTick(step, time.perf_counter() - t0, float(np.mean(window)) if window else mean)


def field(model: PointDenoiser, t: float, n: int = 15, extent: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """The denoising direction -eps_theta(x, t) on an n x n grid over [-extent, extent]^2: (positions, arrows)."""
    u = np.linspace(-extent, extent, n, dtype=np.float32)
    gx, gy = np.meshgrid(u, u)
    pos = np.stack([gx.ravel(), gy.ravel()], 1)
    with torch.no_grad():
        eps = model(torch.from_numpy(pos), torch.full((len(pos),), float(t))).numpy()
    return pos, -eps


def reverse_film(model: PointDenoiser, schedule: NoiseSchedule, n: int, steps: int, seed: int,
                 sampler: str = "ddim") -> Iterator[tuple[int, float, np.ndarray]]:
    """Particles flowing from N(0, I) back into the shape: yields (step, t, points [n, 2]), first x_T."""
    from .samplers import run, start_noise

    def eps(x: Tensor, t: Tensor) -> Tensor:
        # no_grad per call, not around the loop: a server may resume this generator on another thread,
        # and grad mode belongs to the thread
        with torch.no_grad():
            return model(x, t)

    x_T, gen = start_noise((n, 2, 1, 1), seed)
    yield 0, float(schedule.num_steps - 1), x_T.reshape(n, 2).numpy()
    # the shapes live in [-1, 1]^2, so the predicted x_0 is clipped there, as DDPM clips images
    for st in run(eps, schedule, x_T, sampler=sampler, num_steps=steps, generator=gen, clip_x0=True):
        yield st.index + 1, max(st.t_next, 0.0), st.x_next.reshape(n, 2).numpy()
