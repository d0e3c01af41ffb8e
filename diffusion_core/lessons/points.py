"""2-D diffusion on points: shapes of dye, the forward process on them, and a tiny denoiser trained live.

Points live in [-1, 1]^2 (data scale). Tensors of points are shaped [N, 2, 1, 1] so the image
samplers run on them unchanged.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch
from torch import Tensor, nn

from ..paths import assets_dir
from ..schedule import NoiseSchedule

MASK = 128                     # raster of a shape's mask over [-1, 1]^2
PRESETS = ("heart", "kuo", "spiral", "moons")
TEXT_SHAPES = {"kuo": "扩"}    # presets drawn from a character: shipped as masks, so no font is needed at run time


def mask_file(name: str) -> Path:
    """Where a preset drawn from a character is shipped as a mask (made once by ``--make-masks``)."""
    return assets_dir() / f"shape_{name}.png"


def rasterize_text(text: str, font) -> np.ndarray:
    """``text`` in a PIL font, centred on the [MASK, MASK] raster: True = ink."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (MASK, MASK), 0)
    ImageDraw.Draw(im).text((MASK / 2, MASK / 2), text, fill=255, font=font, anchor="mm")
    return np.asarray(im) > 127


def load_mask(name: str) -> np.ndarray:
    """A shipped shape mask; FileNotFoundError when its file is missing, ValueError when it is not a mask.

    Never a stand-in: the radio names the shape that is trained, or the learner sees why it cannot be."""
    from PIL import Image

    path = mask_file(name)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; make it with python -m diffusion_core.lessons.points --make-masks")
    with Image.open(path) as im:
        m = np.asarray(im.convert("L")) > 127
    if m.shape != (MASK, MASK) or m.sum() < 200:
        raise ValueError(f"{path} is not a {MASK} x {MASK} shape mask")
    return m


def preset_mask(name: str) -> np.ndarray:
    """A boolean [MASK, MASK] mask (row 0 = top, y = +1) of a preset shape."""
    if name in TEXT_SHAPES:
        return load_mask(name)
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
    raise ValueError(f"unknown preset {name!r}; choose from {PRESETS}")


def sketch_ink(layers: list[np.ndarray], composite: np.ndarray | None) -> np.ndarray:
    """The ink of a sketch (uint8 [H, W], 255 = stroke), whatever its background.

    The strokes are the layers' opacity (a layer is transparent where nothing was drawn; the union over layers);
    without layers that carry opacity, the composite's dark-on-light ink, flattened onto white paper first (a
    sketchpad's background is an opaque white layer, so the composite's own opacity is full everywhere)."""
    alphas = [a[..., -1] for a in layers if a.ndim == 3 and a.shape[2] in (2, 4)]
    if alphas:
        if len({a.shape for a in alphas}) > 1:
            raise ValueError("the layers differ in size")
        return np.max(alphas, axis=0).astype(np.uint8)
    if composite is None or composite.ndim not in (2, 3):
        raise ValueError("no drawing")
    img = composite.astype(np.float32) if composite.ndim == 3 else composite.astype(np.float32)[..., None]
    colour, alpha = (img[..., :-1], img[..., -1:] / 255) if img.shape[2] in (2, 4) else (img, 1.0)
    paper = colour * alpha + 255 * (1 - alpha)                 # composite over white
    return (255 - paper.mean(2)).round().astype(np.uint8)


def mask_from_drawing(ink: np.ndarray, min_pixels: int = 30) -> np.ndarray:
    """A learner's drawing (uint8 [H, W] ink, a stroke >= 128) as a [MASK, MASK] mask; ValueError if too little."""
    from PIL import Image

    drawn = Image.fromarray((ink >= 128).astype(np.uint8) * 255).resize((MASK, MASK), Image.Resampling.BILINEAR)
    m = np.asarray(drawn) > 60
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


def spread(points: np.ndarray, data: np.ndarray) -> float:
    """How far the points sit from their own centre, as a share of how far the data's do (root mean square distance):
    1 = as spread as the data, 0 = all piled in one spot (which inside_share alone would score as perfect)."""
    def rms(p: np.ndarray) -> float:
        return float(np.sqrt(((p - p.mean(0)) ** 2).sum(1).mean()))
    return rms(points) / max(rms(data), 1e-12)


def forward_points(x0: np.ndarray, k: int, schedule: NoiseSchedule, seed: int) -> np.ndarray:
    """The diffusion model's forward process on points: x_k = sqrt(ab_k) x_0 + sqrt(1 - ab_k) eps."""
    return schedule.signal_weight(k) * x0 + schedule.noise_weight(k) * forward_noise(x0.shape, seed)


def forward_noise(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """The noise eps of ``forward_points`` (one draw per seed, the same at every k): float64."""
    return np.random.default_rng(seed).standard_normal(shape)


class PointDenoiser(nn.Module):
    """eps_theta(x_t, t) for 2-D points: an MLP on (x, y), Fourier features of (x, y) and of t.

    The Fourier features sin/cos(2^j pi x) (Tancik et al. 2020) let a small MLP bend its field around
    thin strokes (a spiral arm, the character 扩) within seconds instead of minutes. The same MLP serves a
    flow-matching model (it then predicts the velocity v) and, with ``labels`` > 0, a label-conditional one: a
    learned embedding of the label (0 .. labels - 1, or ``labels`` itself, the null label "no condition") joins
    its input. It computes in its parameters' dtype (``.double()`` makes it a float64 net)."""

    def __init__(self, hidden: int = 128, t_features: int = 16, octaves: int = 8, labels: int = 0,
                 label_features: int = 16):
        super().__init__()
        self.t_features, self.octaves, self.labels = t_features, octaves, labels
        self.embed = nn.Embedding(labels + 1, label_features) if labels else None
        width = 2 + 4 * octaves + t_features + (label_features if labels else 0)
        self.net = nn.Sequential(nn.Linear(width, hidden), nn.SiLU(),
                                 nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, 2))

    def forward(self, x: Tensor, t: Tensor, label: Tensor | None = None) -> Tensor:
        """x [N, 2, 1, 1] or [N, 2], t [N], label [N] (None: the null label) -> same shape as x."""
        shape, dtype = x.shape, self.net[0].weight.dtype
        xy = x.reshape(len(x), 2).to(dtype)
        half = self.t_features // 2
        freqs = torch.exp(-math.log(1000.0) * torch.arange(half, dtype=dtype) / half)
        ang = t.to(dtype)[:, None] * freqs[None] / 1000 * 2 * math.pi * 8                    # [N, half]
        octave = (2.0 ** torch.arange(self.octaves, dtype=dtype)) * math.pi                  # [octaves]
        xf = (xy[:, :, None] * octave).reshape(len(x), -1)                                   # [N, 2 * octaves]
        h = [xy, torch.sin(xf), torch.cos(xf), torch.sin(ang), torch.cos(ang)]
        if self.embed is not None:
            label = torch.full((len(x),), self.labels) if label is None else label
            h.append(self.embed(label.long()))
        return self.net(torch.cat(h, 1)).reshape(shape)


@dataclass(frozen=True)
class TrainTick:
    step: int
    seconds: float
    loss: float


def warm_up() -> None:
    """Pay once, at start-up, what a process's first optimizer costs (about 1.2 s of torch's lazy set-up), so the
    first learner's training gets its whole budget of seconds (bench/flow2d.py's first training took 21.9 s)."""
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def fit(model: nn.Module, batch_loss: Callable[[torch.Generator], Tensor], *, seconds: float, seed: int = 0,
        lr: float = 1e-2, report_every: float = 0.5, steps: int | None = None) -> Iterator[TrainTick]:
    """Adam on ``batch_loss(generator)`` (one batch's loss, its draws from the seeded generator) for ``seconds`` of
    wall time (or ``steps`` batches, whichever ends first: a fixed count gives the same net on any machine); yield the
    loss now and then. The learning rate follows a cosine over the budget, so the last seconds polish the details."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    t0 = last = time.perf_counter()
    step, window, mean = 0, [], float("nan")
    model.train()
    while time.perf_counter() - t0 < seconds and (steps is None or step < steps):
        loss = batch_loss(gen)
        frac = min(1.0, max((time.perf_counter() - t0) / seconds, step / steps if steps else 0.0))
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


def train_points(model: PointDenoiser, data: np.ndarray, schedule: NoiseSchedule, *, seconds: float, seed: int = 0,
                 batch: int = 512, lr: float = 1e-2, report_every: float = 0.5,
                 steps: int | None = None) -> Iterator[TrainTick]:
    """Train the noise guess for ``seconds`` of wall time (batches with a random t per point): see ``fit``."""
    x_all = torch.from_numpy(data).float()

    def batch_loss(gen: torch.Generator) -> Tensor:
        x0 = x_all[torch.randint(0, len(x_all), (batch,), generator=gen)]
        t = torch.randint(0, schedule.num_steps, (batch,), generator=gen)          # a random network t per point
        eps = torch.randn(x0.shape, generator=gen)
        return nn.functional.mse_loss(model(schedule.noised(x0, t, eps), t.float()), eps)

    return fit(model, batch_loss, seconds=seconds, seed=seed, lr=lr, report_every=report_every, steps=steps)


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
    from ..samplers import run, start_noise

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


def _cjk_font(size: int):
    """The installed CJK font matplotlib would pick, as a PIL font of that face; RuntimeError when there is none."""
    from PIL import ImageFont

    from ..media.plots import cjk_font, cjk_font_path

    name, path = cjk_font(), cjk_font_path()
    if name is None or path is None:
        raise RuntimeError("no CJK font is installed (Debian: apt-get install fonts-noto-cjk); the masks need one")
    for index in range(32):                     # a .ttc file holds several faces: take the one named (SC first)
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if font.getname()[0] == name:
            return font
    return ImageFont.truetype(path, size)


def make_masks() -> list[Path]:
    """Draw each character preset in a CJK font and save it as a 1-bit PNG in assets/ (run once, shipped)."""
    from PIL import Image

    font = _cjk_font(int(MASK * 0.85))
    paths = []
    for name, text in TEXT_SHAPES.items():
        Image.fromarray(rasterize_text(text, font)).convert("1").save(mask_file(name), optimize=True)
        paths.append(mask_file(name))
    return paths


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Make the shipped masks of the character presets (needs a CJK font).")
    ap.add_argument("--make-masks", action="store_true", required=True)
    ap.parse_args()
    try:
        for p in make_masks():
            print(f"wrote {p} ({p.stat().st_size} bytes)")
    except RuntimeError as e:
        raise SystemExit(f"error: {e}") from None
