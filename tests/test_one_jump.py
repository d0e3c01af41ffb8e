"""What the Denoise tab says of x0 guesses is what its pictures show: the best one-jump guess is a blur, an
eps-predicting network's x0 at the noisiest steps is speckle, and the status says so exactly where it is."""
import numpy as np
import pytest

from diffusion_core.lessons import denoise
from diffusion_core.models import pretrained
from diffusion_core.models.data import mnist_digits, to_model_range
from ui.denoise_handlers import speckle_note

NETS = ("digits", "digits_student")


def cells(picture: np.ndarray, n: int, size: int = 28, pad: int = 2) -> np.ndarray:
    """The n digits [n, size, size] of a grid picture (media.grid's layout), in [-1, 1]."""
    cols = (picture.shape[1] - pad) // (size + pad)
    out = [picture[pad + r * (size + pad):][:size, pad + c * (size + pad):][:, :size]
           for r, c in (divmod(i, cols) for i in range(n))]
    return np.stack(out).astype(float) / 127.5 - 1


def contrast(x: np.ndarray) -> float:
    """Mean squared difference of adjacent pixels, written here apart from denoise.detail."""
    return (np.mean(np.diff(x, axis=-1) ** 2) + np.mean(np.diff(x, axis=-2) ** 2)) / 2


@pytest.fixture(scope="module")
def real_digits() -> np.ndarray:
    return to_model_range(mnist_digits()[0][:1000]).numpy()[:, 0]


@pytest.mark.parametrize("name", NETS)
def test_the_best_one_jump_guess_is_a_blur_and_the_networks_is_speckle(name, assets_dir, real_digits):
    model = pretrained.load(name, device="cpu", assets=assets_dir)
    j = denoise.one_jump(model, model.schedule, seed=3, n=4)
    ideal, net = cells(j.ideal, 4), cells(j.net, 4)
    real = contrast(real_digits)
    # the caption's "a blur": far less pixel-to-pixel contrast than a real digit, and close to the average digit
    assert contrast(ideal) < real / 5
    assert np.abs(ideal - real_digits.mean(0)).mean() < 0.1
    # the caption's "speckle, not blur": more contrast than a real digit, however the net was trained
    assert contrast(net) > denoise.SPECKLE * real
    # the figures the caption prints are the pictures' own (uint8 rounding aside)
    assert j.net_speckle == pytest.approx(contrast(net) / contrast(to_model_range(mnist_digits()[0]).numpy()[:, 0]),
                                          rel=0.1)
    assert j.sqrt_ab == pytest.approx(model.schedule.alphas_cumprod[-1].item() ** 0.5)


@pytest.mark.parametrize("name", NETS)
def test_the_status_calls_x0_speckle_exactly_where_it_is(name, assets_dir, real_digits):
    model = pretrained.load(name, device="cpu", assets=assets_dir)
    frames = list(denoise.run_frames(model, model.schedule, sampler="dpmpp2m", num_steps=20, seed=0, n=4))
    real = contrast(real_digits)
    noted = [bool(speckle_note(f, model.schedule, "en")) for f in frames]
    assert noted[0] and not noted[-1], "speckle at t = 999, none at the end"
    # the note and the picture agree wherever the picture is clearly one or the other (10% either side of the line)
    for f, note in zip(frames, noted):
        c = contrast(cells(f.x0, 4)) / real
        if abs(c / denoise.SPECKLE - 1) > 0.1:
            assert note == (c > denoise.SPECKLE), (f.index, c)
    assert "噪点" in speckle_note(frames[0], model.schedule, "zh-CN")
