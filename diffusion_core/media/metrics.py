"""Picture similarity: PSNR and SSIM (Wang et al. 2004) of uint8 pictures."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two uint8 pictures, in dB (inf when equal)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def gaussian_blur(x: torch.Tensor, sigma: float, radius: int) -> torch.Tensor:
    """Separable Gaussian filter with reflected borders: x [N, 1, H, W] float64."""
    u = torch.arange(-radius, radius + 1, dtype=torch.float64)
    g = torch.exp(-(u**2) / (2 * sigma**2))
    g = g / g.sum()
    x = F.pad(x, (radius, radius, radius, radius), mode="reflect")
    x = F.conv2d(x, g.view(1, 1, 1, -1))
    return F.conv2d(x, g.view(1, 1, -1, 1))


def ssim(a: np.ndarray, b: np.ndarray, sigma: float = 1.5) -> float:
    """Mean structural similarity of uint8 pictures [H, W] or [H, W, C] (channels averaged).

    Gaussian window sigma 1.5, K1 = 0.01, K2 = 0.03, population covariances, borders of the window
    radius left out: the settings of Wang et al. 2004 (and of skimage's gaussian_weights=True).
    """
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    x = torch.from_numpy(np.asarray(a, np.float64).reshape(*a.shape[:2], -1)).permute(2, 0, 1)[:, None]
    y = torch.from_numpy(np.asarray(b, np.float64).reshape(*b.shape[:2], -1)).permute(2, 0, 1)[:, None]
    radius = int(3.5 * sigma + 0.5)
    if min(a.shape[:2]) <= 2 * radius:
        raise ValueError(f"pictures need more than {2 * radius} pixels a side for SSIM")
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = gaussian_blur(x, sigma, radius), gaussian_blur(y, sigma, radius)
    vx = gaussian_blur(x * x, sigma, radius) - mx**2
    vy = gaussian_blur(y * y, sigma, radius) - my**2
    cxy = gaussian_blur(x * y, sigma, radius) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(s[..., radius:-radius, radius:-radius].mean())
