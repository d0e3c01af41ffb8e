"""Training photos for the ``photos`` model: sample photographs that registry packages ship.

scikit-image, scikit-learn and matplotlib each ship a few photographs inside the package (nothing is
downloaded). Two are held out of training so the reform can be measured on photos the model never
saw: HELD_OUT. Training batches are random crops with rescaling, flips and colour jitter.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import Tensor

CROP = 64
# (package, file) of every photograph used; grayscale ones are repeated to RGB
TRAIN_PHOTOS = [("skimage", "astronaut.png"), ("skimage", "coffee.png"), ("skimage", "rocket.jpg"),
                ("skimage", "motorcycle_left.png"), ("skimage", "motorcycle_right.png"), ("skimage", "retina.jpg"),
                ("skimage", "hubble_deep_field.jpg"), ("skimage", "brick.png"), ("skimage", "grass.png"),
                ("skimage", "gravel.png"), ("skimage", "camera.png"), ("skimage", "coins.png"),
                ("skimage", "moon.png"), ("sklearn", "flower.jpg"), ("matplotlib", "grace_hopper.jpg")]
HELD_OUT = [("skimage", "chelsea.png"), ("sklearn", "china.jpg")]
SOURCE = ("sample photographs shipped inside scikit-image (skimage/data), scikit-learn "
          "(sklearn/datasets/images) and matplotlib (mpl-data/sample_data)")


def photo_path(package: str, name: str) -> Path:
    """Where an installed package keeps one of its sample photographs."""
    if package == "skimage":
        import skimage

        return Path(os.path.dirname(skimage.__file__)) / "data" / name
    if package == "sklearn":
        import sklearn

        return Path(os.path.dirname(sklearn.__file__)) / "datasets" / "images" / name
    if package == "matplotlib":
        import matplotlib

        return Path(matplotlib.get_data_path()) / "sample_data" / name
    raise ValueError(f"unknown package {package!r}")


def load_photo(package: str, name: str) -> np.ndarray:
    """uint8 [H, W, 3] RGB."""
    from PIL import Image

    with Image.open(photo_path(package, name)) as im:
        return np.asarray(im.convert("RGB"))


def photo_crop_batches(batch_size: int, generator: torch.Generator,
                       photos: list[tuple[str, str]] | None = None, crop: int = CROP) -> Callable[[], Tensor]:
    """A function returning [B, 3, crop, crop] in [-1, 1]: random crops, rescale 0.4-1x, flips, colour jitter."""
    import torch.nn.functional as F

    pics = [torch.from_numpy(load_photo(*p).copy()).permute(2, 0, 1).float() / 127.5 - 1
            for p in (photos or TRAIN_PHOTOS)]                                     # each [3, H, W]

    def rand(lo: float, hi: float, n: int = 1) -> Tensor:
        return lo + (hi - lo) * torch.rand(n, generator=generator)

    def one() -> Tensor:
        pic = pics[int(torch.randint(0, len(pics), (1,), generator=generator))]
        h, w = pic.shape[1:]
        side = int(min(h, w, max(crop, crop / float(rand(0.4, 1.0)))))          # crop this much, then resize
        y = int(torch.randint(0, h - side + 1, (1,), generator=generator))
        x = int(torch.randint(0, w - side + 1, (1,), generator=generator))
        patch = pic[:, y:y + side, x:x + side][None]
        if side != crop:
            patch = F.interpolate(patch, size=(crop, crop), mode="bilinear", antialias=True, align_corners=False)
        if float(rand(0, 1)) < 0.5:
            patch = patch.flip(-1)
        gray = patch.mean(1, keepdim=True)                                           # colour jitter
        patch = gray + (patch - gray) * rand(0.7, 1.3)                               # saturation
        patch = (patch - patch.mean()) * rand(0.8, 1.2) + patch.mean() + rand(-0.15, 0.15)  # contrast, brightness
        return patch[0].clamp(-1, 1)

    return lambda: torch.stack([one() for _ in range(batch_size)])
