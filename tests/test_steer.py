"""The Steer tab's pictures say what they are: the guided mix is the no-label guess at w = 0 and the labelled one
at w = 1, the push picture's colours follow the sign of eps_label - eps_base, and the strip's w = 0 column is the
unguided run of the same noise."""
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from diffusion_core.lessons import steer
from diffusion_core.media.frames import grid
from diffusion_core.models.data import to_uint8
from diffusion_core.samplers import run, start_noise
from diffusion_core.schedule import NoiseSchedule
from diffusion_core.unet import TinyUNet, UNetConfig


@dataclass
class Small:
    """A class-conditional net shaped like a shipped model (eps with a label, num_classes, image_shape, ...)."""

    net: TinyUNet
    schedule: NoiseSchedule
    num_classes: int = 10
    image_shape: tuple = (1, 8, 8)
    device: str = "cpu"

    def eps(self, x, t, label=None):
        with torch.no_grad():
            return self.net(x, t, label)


@pytest.fixture(scope="module")
def model() -> Small:
    torch.manual_seed(0)
    net = TinyUNet(UNetConfig(base_channels=8, channel_mults=(1, 2), num_res_blocks=1, groups=4, num_classes=10)).eval()
    with torch.no_grad():
        net.label_emb.weight.normal_(std=2.0)
    return Small(net, NoiseSchedule("linear"))


def frames(model, w):
    return list(steer.steer_frames(model, label=3, weight=w, negative=None, sampler="ddim", num_steps=5, seed=1, n=4))


def test_the_mix_is_the_no_label_guess_at_w_0_and_the_labelled_guess_at_w_1(model):
    for f in frames(model, 0.0):
        assert np.array_equal(f.x0_mix, f.x0_base)
    for f in frames(model, 1.0):
        assert np.array_equal(f.x0_mix, f.x0_label)
    f = frames(model, 3.0)[0]
    assert not np.array_equal(f.x0_base, f.x0_label), "the label changes the answer"


def test_the_push_picture_is_orange_where_the_label_adds_ink_and_blue_where_it_removes_it():
    diff = torch.zeros(1, 1, 4, 4)
    diff[0, 0, 0, 0], diff[0, 0, 1, 1] = -1.0, 1.0          # eps lower: x0 = (x - s eps) / a gains ink
    pic = steer.push_picture(diff)[2:6, 2:6]                  # the one cell inside the grid's border
    r, g, b = (pic[..., i].astype(int) for i in range(3))
    assert r[0, 0] > b[0, 0] + 100, "adds ink: orange"
    assert b[1, 1] > r[1, 1] + 100, "removes ink: blue"
    assert (pic[2, 2] == 255).all(), "no push: white"


def test_the_strips_w_0_column_is_the_unguided_run_of_the_same_noise(model):
    strip = steer.scale_strip(model, label=3, negative=None, seed=2, n=2, weights=(0.0, 5.0), num_steps=4)
    x, gen = start_noise((2, 1, 8, 8), 2)
    *_, last = run(lambda x, t: model.eps(x, t), model.schedule, x, sampler="dpmpp2m", num_steps=4, generator=gen)
    want = grid(to_uint8(last.x_next), cols=1)
    assert np.array_equal(strip[:, :want.shape[1]], want)
    assert not np.array_equal(strip[:, -want.shape[1]:], want), "w = 5 draws something else"
