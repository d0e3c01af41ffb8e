"""How good are generated digits? A small classifier trained on the same 5,000 MNIST digits.

Figures for N generated digits (uint8 [N, 28, 28]):
- confident: share classified with p >= 0.9;
- balance: entropy of the predicted-class histogram / log 10 (1 = all classes equally often);
- frechet: Frechet distance between classifier features of the digits and of all 5,000 real
  digits, beside ``frechet_real``: the same distance for N real digits (the floor at this N);
- near_copies: share whose nearest training digit is closer than a third of the median
  nearest-neighbour distance between real digits (much closer than real digits are to each other).
The classifier is an instrument: its card (assets/digit_classifier.json) gives its accuracy, confident
share and accuracy of the confident on 1,000 real digits it did not see, the ceiling for generated ones.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from ..paths import assets_dir
from .data import mnist_digits

CLASSIFIER_FILE = "digit_classifier.safetensors"
# the digits issue's goals for 256 digits from DDIM at 50 steps (bench/quality.py prints them beside the figures)
GOALS = {"confident": 0.95, "balance": 0.97, "frechet_ratio": 3.0, "near_copies": 0.02}


class DigitClassifier(nn.Module):
    """Five 3x3 convolutions with BatchNorm (28 -> 14 -> 7 -> 3 x 3), a 64-feature layer, 10 logits."""

    def __init__(self):
        super().__init__()

        def conv(c_in: int, c_out: int) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.conv = nn.Sequential(*conv(1, 32), *conv(32, 32), nn.MaxPool2d(2),          # [B, 32, 14, 14]
                                  *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),         # [B, 64, 7, 7]
                                  *conv(64, 128), nn.AdaptiveAvgPool2d(3))               # [B, 128, 3, 3]
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(128 * 9, 64)
        self.out = nn.Linear(64, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:   # [B, 1, 28, 28] in [0, 1] -> [B, 64]
        return F.relu(self.fc(self.drop(self.conv(x).flatten(1))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(x))


def _as_input(images_u8: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(images_u8)).float().div(255.0)[:, None]


def affine(x: torch.Tensor, angle: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Digits [B, 1, H, W] turned by ``angle`` [B] (radians), scaled by ``scale`` [B] and moved by ``shift``
    [B, 2] pixels (x, y) about the centre, bilinear, zeros outside."""
    b, _, h, w = x.shape
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale       # maps output to input coordinates
    tx, ty = -shift[:, 0] * 2 / w, -shift[:, 1] * 2 / h                # pixels -> the [-1, 1] grid's units
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)   # [B, 2, 3]
    grid = F.affine_grid(theta, [b, 1, h, w], align_corners=False)
    return F.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


def random_affine(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each digit [B, 1, H, W] turned by up to 10 degrees, scaled by 0.9-1.1 and moved by up to 2 px."""
    u = torch.rand(len(x), 4, generator=generator) * 2 - 1                # uniform in [-1, 1]
    # (a shift of -2u is as random as +2u; -2u gives the draws the shipped classifier was trained with)
    return affine(x, u[:, 0] * math.radians(10), 1 + 0.1 * u[:, 1], -2 * u[:, 2:])


def train_classifier(epochs: int = 40, seed: int = 0, holdout: int = 0) -> tuple[DigitClassifier, dict]:
    """Train on the 5,000 digits but ``holdout`` of them (random affine augmentation); with a holdout,
    report on it the accuracy, the confident share (p >= 0.9) and the accuracy of the confident ones."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    x, y = mnist_digits()
    perm = np.random.default_rng(seed).permutation(len(x))
    tr_i, va_i = perm[:len(x) - holdout], perm[len(x) - holdout:]
    xt, yt = _as_input(x[tr_i]), torch.from_numpy(y[tr_i])
    net = DigitClassifier()
    batch = 128
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, epochs=epochs, steps_per_epoch=math.ceil(len(xt) / batch))
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), batch):
            b = order[i:i + batch]
            loss = F.cross_entropy(net(random_affine(xt[b], gen)), yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    info = {"train_digits": len(tr_i), "epochs": epochs, "batch_size": batch,
            "architecture": "conv 3x3 + BatchNorm: 32, 32 | pool | 64, 64 | pool | 128, 3 x 3 avg-pool; "
                            "dropout 0.3, 64 features, 10 classes",
            "optimizer": "AdamW (weight decay 1e-4), one-cycle lr, peak 3e-3",
            "augmentation": "random affine: up to 10 degrees, scale 0.9-1.1, shifts up to 2 px"}
    with torch.no_grad():
        info["train_accuracy"] = float((net(xt).argmax(1) == yt).float().mean())
        if holdout:
            p = F.softmax(net(_as_input(x[va_i])), dim=1).numpy()
            right, sure = p.argmax(1) == y[va_i], p.max(1) >= 0.9
            info.update(holdout_digits=holdout, holdout_accuracy=float(right.mean()),
                        holdout_confident=float(sure.mean()), holdout_accuracy_of_confident=float(right[sure].mean()))
    return net, info


def build_classifier(holdout: int = 1000) -> dict:
    """Measure the recipe on ``holdout`` unseen digits, then train on all 5,000 and save it with that card."""
    _, measured = train_classifier(holdout=holdout)
    net, info = train_classifier()
    info["measured_without"] = measured          # the same recipe with 1,000 digits kept out to test on
    info["command"] = "python -m diffusion_core.models.quality"
    save_file(net.state_dict(), str(classifier_file()))
    classifier_file().with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def classifier_file() -> Path:
    return assets_dir() / CLASSIFIER_FILE


@lru_cache(maxsize=1)
def classifier() -> DigitClassifier:
    """The project's digit classifier, as shipped; a missing file is an error that names the command rebuilding it
    (training one here, unasked, would take minutes and give other figures)."""
    path = classifier_file()
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: rebuild it with  python -m diffusion_core.models.quality")
    net = DigitClassifier()
    net.load_state_dict(load_file(str(path)))
    return net.eval()


def _features_and_probs(images_u8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    net = classifier()
    feats, probs = [], []
    with torch.no_grad():
        for i in range(0, len(images_u8), 512):
            f = net.features(_as_input(images_u8[i:i + 512]))
            feats.append(f.numpy().astype(np.float64))
            probs.append(F.softmax(net.out(f), dim=1).numpy())
    return np.concatenate(feats), np.concatenate(probs)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) of two feature sets [N, D]."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((S_a S_b)^(1/2)) = sum of sqrt of eigenvalues of S_a^(1/2) S_b S_a^(1/2) (symmetric, PSD)
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    ev = np.linalg.eigvalsh(root_a @ s_b @ root_a)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.sqrt(np.clip(ev, 0, None)).sum())


def _pixel_d2(a_u8: np.ndarray, b_u8: np.ndarray) -> np.ndarray:
    """Squared L2 distances [len(a), len(b)] between uint8 images, pixels scaled to [0, 1]."""
    a = a_u8.reshape(len(a_u8), -1).astype(np.float32) / 255.0
    b = b_u8.reshape(len(b_u8), -1).astype(np.float32) / 255.0
    return (a**2).sum(1)[:, None] + (b**2).sum(1)[None] - 2 * a @ b.T


def nearest_training(images_u8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the index of its nearest training digit and the L2 distance (pixels in [0, 1])."""
    d2 = _pixel_d2(images_u8, mnist_digits()[0])
    idx = d2.argmin(1)
    return idx, np.sqrt(np.clip(d2[np.arange(len(d2)), idx], 0, None))


@lru_cache(maxsize=1)
def _real_features() -> np.ndarray:
    """Classifier features of the 5,000 real digits [5000, 64]."""
    return _features_and_probs(mnist_digits()[0])[0]


@lru_cache(maxsize=1)
def _median_nn() -> float:
    """The median pixel distance from a real digit to its nearest other real digit (no classifier needed)."""
    x = mnist_digits()[0]
    d2 = _pixel_d2(x, x)
    np.fill_diagonal(d2, np.inf)
    return float(np.median(np.sqrt(np.clip(d2.min(1), 0, None))))


@dataclass(frozen=True)
class Quality:
    n: int
    confident: float
    balance: float
    frechet: float
    frechet_real: float
    near_copies: float
    class_counts: list[int]
    classifier: str          # the first 12 hex digits of the classifier's sha256: figures of one instrument compare


def meets_goals(figures: dict) -> bool:
    """Whether quality figures (a card's "ddim_50": confident, balance, frechet, frechet_real, near_copies) meet
    GOALS."""
    return (figures["confident"] >= GOALS["confident"] and figures["balance"] >= GOALS["balance"]
            and figures["frechet"] <= GOALS["frechet_ratio"] * figures["frechet_real"]
            and figures["near_copies"] <= GOALS["near_copies"])


def steps_curve_file(model: str, assets: Path | None = None) -> Path:
    """Where bench/quality_vs_steps.py keeps a digits model's quality against network calls (the Compare tab's
    chart): assets/quality_vs_steps.json for the served "digits", assets/quality_vs_steps_NAME.json for another."""
    return (assets or assets_dir()) / ("quality_vs_steps.json" if model == "digits" else f"quality_vs_steps_{model}.json")


@lru_cache(maxsize=1)
def classifier_id() -> str:
    """sha256 of assets/digit_classifier.safetensors, 12 hex digits (trains it first if missing)."""
    from .pretrained import sha256_of

    classifier()
    return sha256_of(classifier_file())[:12]


def evaluate(images_u8: np.ndarray, seed: int = 0) -> Quality:
    """The quality figures of generated digits uint8 [N, 28, 28] (0 = background, 255 = ink)."""
    if images_u8.ndim != 3 or images_u8.shape[1:] != (28, 28) or len(images_u8) < 2:
        raise ValueError(f"expected uint8 digits [N >= 2, 28, 28], got {images_u8.shape}")
    feats, probs = _features_and_probs(images_u8)
    real_feats = _real_features()
    counts = np.bincount(probs.argmax(1), minlength=10)
    p = counts / counts.sum()
    balance = float(-(p[p > 0] * np.log(p[p > 0])).sum() / math.log(10))
    pick = np.random.default_rng(seed).choice(len(real_feats), size=len(images_u8), replace=False)
    _, dist = nearest_training(images_u8)
    return Quality(len(images_u8), float((probs.max(1) >= 0.9).mean()), balance,
                   frechet_distance(feats, real_feats), frechet_distance(real_feats[pick], real_feats),
                   float((dist < copy_threshold()).mean()), counts.tolist(), classifier_id())


def read_as(images_u8: np.ndarray) -> np.ndarray:
    """The digit the project's classifier reads in each of images_u8 [N, 28, 28]: int [N]."""
    return _features_and_probs(images_u8)[1].argmax(1)


def label_figures(images_u8: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """How well digits drawn for given labels [N] (0-9) follow them, and how varied each class is: ``accuracy`` (the
    classifier reads the label), ``confident`` (it reads the label with p >= 0.9), ``diversity`` (mean pairwise
    distance of classifier features within a class, over the classes; ``diversity_real`` the same for as many real
    digits a class: guidance that makes look-alikes drives it down), ``frechet`` (per class, against the real digits
    of that class, averaged; ``frechet_real`` the same for as many real digits: the floor at this N)."""
    feats, probs = _features_and_probs(images_u8)
    real_feats, real_labels = _real_features(), mnist_digits()[1]
    rng = np.random.default_rng(0)
    div, div_real, fd, fd_real = [], [], [], []
    for c in np.unique(labels):
        mine, real = feats[labels == c], real_feats[real_labels == c]
        pick = real[rng.choice(len(real), size=min(len(mine), len(real)), replace=False)]
        div.append(_mean_pairwise(mine))
        div_real.append(_mean_pairwise(pick))
        fd.append(frechet_distance(mine, real))
        fd_real.append(frechet_distance(pick, real))
    read = probs.argmax(1) == labels
    return {"accuracy": float(read.mean()), "confident": float((read & (probs.max(1) >= 0.9)).mean()),
            "diversity": float(np.mean(div)), "diversity_real": float(np.mean(div_real)),
            "frechet": float(np.mean(fd)), "frechet_real": float(np.mean(fd_real))}


def _mean_pairwise(f: np.ndarray) -> float:
    """Mean Euclidean distance between the rows of f [N, D] (N >= 2), each pair once."""
    d2 = (f**2).sum(1)[:, None] + (f**2).sum(1)[None] - 2 * f @ f.T
    iu = np.triu_indices(len(f), 1)
    return float(np.sqrt(np.clip(d2[iu], 0, None)).mean())


def as_dict(q: Quality) -> dict:
    return asdict(q)


def copy_threshold() -> float:
    """The pixel distance below which a digit counts as a near-copy of a training digit."""
    return _median_nn() / 3


if __name__ == "__main__":
    print(json.dumps(build_classifier(), indent=2))
