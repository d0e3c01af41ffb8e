"""Reform: metrics against skimage, the paired reform with an oracle model, the photos model and its CLI."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from skimage.metrics import structural_similarity

from diffusion_core.lessons import forward
from diffusion_core.lessons.reform import MIRRORS, MirrorCycle, matching_step, model_reform, reform_image, reform_pair
from diffusion_core.media.metrics import psnr, ssim
from diffusion_core.schedule import NoiseSchedule

ROOT = Path(__file__).resolve().parent.parent
HAS_PHOTOS = (ROOT / "assets" / "photos.safetensors").exists()
LIN, COS = NoiseSchedule("linear"), NoiseSchedule("cosine")


def photo(h=64, w=96, seed=0) -> np.ndarray:
    """A smooth colourful test picture (not noise, so SSIM and PSNR mean something)."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    rng = np.random.default_rng(seed)
    chans = [np.sin(2 * np.pi * (x * rng.uniform(1, 3) + y * rng.uniform(1, 3)) + rng.uniform(0, 6)) for _ in range(3)]
    return ((np.stack(chans, -1) + 1) * 127.5).round().astype(np.uint8)


@pytest.mark.parametrize("shape", [(40, 52, 3), (33, 29), (64, 64, 3)])
def test_ssim_matches_skimage(shape):
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, shape, dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-50, 50, shape), 0, 255).astype(np.uint8)
    ref = structural_similarity(a, b, channel_axis=-1 if len(shape) == 3 else None, gaussian_weights=True,
                                sigma=1.5, use_sample_covariance=False, data_range=255)
    assert abs(ssim(a, b) - ref) < 1e-6
    assert ssim(a, a) == pytest.approx(1.0)


def test_psnr_closed_form():
    a = np.zeros((10, 10), np.uint8)
    b = np.full((10, 10), 10, np.uint8)
    assert psnr(a, b) == pytest.approx(10 * np.log10(255**2 / 100)) and psnr(a, a) == float("inf")


def test_matching_step_finds_the_same_noise_level():
    assert [matching_step(LIN, k, LIN) for k in (0, 1, 250, 1000)] == [0, 1, 250, 1000]
    for k in (50, 300, 700):
        km = matching_step(COS, k, LIN)
        assert abs(float(LIN.alpha_bar[km] - COS.alpha_bar[k])) < 0.01


def oracle(x0: torch.Tensor, schedule: NoiseSchedule):
    """A perfect noise predictor for one known x0: eps = (x_t - sqrt(ab) x0) / sqrt(1 - ab)."""
    def eps(x, t):
        ab = schedule.alphas_cumprod[t.long()].to(x.dtype).view(-1, 1, 1, 1)
        return (x - ab.sqrt() * x0.to(x.dtype)) / (1 - ab).sqrt()
    return eps


@pytest.mark.parametrize("k", [1, 120, 600, 1000])
def test_reform_pair_with_a_perfect_model_is_exact_too(k):
    image = photo()
    x0 = forward.to_x0(image)[None].float()
    frames = list(reform_pair(oracle(x0, LIN), LIN, image, k, LIN, seed=3, num_steps=10))
    assert frames[0].done == 0 and frames[-1].done == 1 and len(frames) == min(10, k) + 2
    last = frames[-1]
    assert last.record_scores.psnr == float("inf")                      # the record is exact
    assert last.model_scores.psnr > 45 and last.model_scores.ssim > 0.999
    assert last.guess_scores.psnr > 45                                  # a perfect model's one jump is exact
    assert all(np.array_equal(f.guess, last.guess) for f in frames[1:])   # made once, at the first step


def test_reform_at_zero_returns_the_input():
    image = photo()
    r = reform_image(lambda x, t: torch.zeros_like(x), LIN, image, 0, 25, seed=0)
    assert all(np.array_equal(p, image) for p in r)


def blur_model(kernel: torch.Tensor):
    """eps = a 3 x 3 filter of each channel of x, scaled by t: mirror-equivariant when the kernel is symmetric."""
    def eps(x, t):
        w = kernel.to(x.dtype).expand(x.shape[1], 1, 3, 3)
        return torch.nn.functional.conv2d(x, w, padding=1, groups=x.shape[1]) * (0.5 + t.view(-1, 1, 1, 1) / 1000)
    return eps


def x_at(k: int) -> torch.Tensor:
    x0 = forward.to_x0(photo(24, 40))[None].float()
    return LIN.add_noise(x0, k, torch.randn(x0.shape, generator=torch.Generator().manual_seed(5)))


def test_mirrors_change_nothing_for_a_mirror_symmetric_model():
    model = blur_model(torch.tensor([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
    plain = list(model_reform(model, LIN, x_at(400), 400, 9))
    mirrored = list(model_reform(model, LIN, x_at(400), 400, 9, mirrors=True))
    assert len(plain) == len(mirrored) == 9
    for a, b in zip(plain, mirrored):
        assert torch.allclose(a.eps_pred, b.eps_pred, atol=1e-5) and torch.allclose(a.x_next, b.x_next, atol=1e-5)


def test_mirrors_ask_step_i_about_its_mirror_image_and_turn_the_answer_back():
    model = blur_model(torch.randn(3, 3, generator=torch.Generator().manual_seed(0)))
    steps = list(model_reform(model, LIN, x_at(300), 300, 6, mirrors=True))
    for st in steps:
        dims, t = MIRRORS[st.index % 4], torch.full((1,), st.t)
        turned = model(st.x_t.flip(dims), t).flip(dims) if dims else model(st.x_t, t)
        assert torch.allclose(st.eps_pred, turned, atol=1e-6), st.index
        assert (st.index % 4 == 0) == torch.allclose(st.eps_pred, model(st.x_t, t), atol=1e-4), st.index
    with pytest.raises(ValueError):                              # a timestep the sampler's grid does not visit
        MirrorCycle(model, (299, 249))(x_at(300), torch.full((1,), 123.0))


@pytest.mark.skipif(not HAS_PHOTOS, reason="photos model not trained yet (python -m diffusion_core.models.train --model photos)")
@pytest.mark.parametrize("mirrors", [False, True])
def test_photos_model_reform_improves_on_x_t(mirrors):
    from diffusion_core.media.images import load_image
    from diffusion_core.models import pretrained
    from diffusion_core.models.photo_data import HELD_OUT, photo_path

    model = pretrained.load("photos", device="cpu")
    image = load_image(photo_path(*HELD_OUT[0]), size=96)
    for k in (30, 150):
        r = reform_image(model, model.schedule, image, k, 10, seed=0, mirrors=mirrors)
        assert psnr(image, r.reformed) > psnr(image, r.noised) + 1.0, k
        assert psnr(image, r.guess) > psnr(image, r.noised) + 1.0, k


@pytest.mark.skipif(not HAS_PHOTOS, reason="photos model not trained yet (python -m diffusion_core.models.train --model photos)")
def test_one_model_step_is_the_guess_and_more_steps_add_detail():
    """The Reform caption's claims: one DDIM step from t lands on the one-jump guess (x0_pred); more steps give a
    different picture with more detail (mean absolute difference of neighbouring pixels) than the guess."""
    from diffusion_core.media.images import load_image
    from diffusion_core.models import pretrained
    from diffusion_core.models.photo_data import HELD_OUT, photo_path

    def detail(p: np.ndarray) -> float:
        a = p.astype(float)
        return float(np.abs(np.diff(a, axis=0)).mean() + np.abs(np.diff(a, axis=1)).mean())

    model = pretrained.load("photos", device="cpu")
    image = load_image(photo_path(*HELD_OUT[1]), size=96)
    for k in (100, 400):
        one = reform_image(model, model.schedule, image, k, 1, seed=0)
        assert np.array_equal(one.reformed, one.guess), k
        ten = reform_image(model, model.schedule, image, k, 10, seed=0)
        assert np.array_equal(ten.guess, one.guess), k
        assert detail(ten.reformed) > detail(ten.guess) + 0.5, k


def odd_inputs(tmp: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    pics = {"one_pixel.png": Image.new("RGB", (1, 1), (200, 10, 10)),
            "wide.png": Image.fromarray(rng.integers(0, 256, (12, 1000, 3), dtype=np.uint8)),
            "gray.png": Image.fromarray(photo()[..., 0]),
            "rgba.png": Image.fromarray(np.dstack([photo(), np.full((64, 96), 128, np.uint8)]), "RGBA")}
    out = {}
    for name, im in pics.items():
        im.save(tmp / name)
        out[name] = tmp / name
    (tmp / "junk.png").write_bytes(b"not an image")
    out["junk.png"] = tmp / "junk.png"
    return out


@pytest.mark.skipif(not HAS_PHOTOS, reason="photos model not trained yet")
def test_reform_cli_on_odd_inputs(tmp_path):
    for name, path in odd_inputs(tmp_path).items():
        out = tmp_path / f"out-{name}"
        r = subprocess.run([sys.executable, "-m", "diffusion_core.lessons.reform", "--model", "photos", "--t", "200",
                            "--steps", "3", "--seed", "1", str(path), str(out)], cwd=ROOT, capture_output=True,
                           text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
        if r.returncode == 0:
            im = Image.open(out)
            assert im.mode == "RGB" and max(im.size) <= 256 and min(im.size) >= 8, name
        else:
            assert r.returncode == 2 and r.stderr.startswith("error:"), (name, r.stderr[-500:])
    assert name == "junk.png" and r.returncode == 2
