"""The tiny UNet: shapes, time conditioning, devices."""
import pytest
import torch

from diffusion_core.device import pick_device
from diffusion_core.unet import TinyUNet, UNetConfig, timestep_embedding


@pytest.mark.parametrize("cfg,shape", [
    (UNetConfig(), (2, 1, 28, 28)),
    (UNetConfig(in_channels=3, base_channels=16, channel_mults=(1, 2, 2), attention=False), (1, 3, 32, 48)),
    (UNetConfig(base_channels=16, channel_mults=(1,), patch=4), (2, 1, 28, 28)),
    (UNetConfig(in_channels=3, base_channels=16, channel_mults=(1, 2), attention=False, patch=2), (1, 3, 12, 20)),
])
def test_shapes_and_gradients(cfg, shape):
    net = TinyUNet(cfg)
    x = torch.randn(shape, requires_grad=True)
    out = net(x, torch.tensor([10.0] * shape[0]))
    assert out.shape == x.shape
    out.square().mean().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


def test_time_conditioning_matters():
    torch.manual_seed(0)
    net = TinyUNet(UNetConfig()).eval()
    x = torch.randn(1, 1, 28, 28)
    with torch.no_grad():
        a, b, c = (net(x, torch.tensor([t])) for t in (10.0, 900.0, 10.4))
    assert (a - b).abs().max() > 1e-3
    assert (a - c).abs().max() < (a - b).abs().max(), "fractional timesteps interpolate smoothly"
    e = timestep_embedding(torch.tensor([0.0, 999.0]), 32)
    assert e.shape == (2, 32) and not torch.allclose(e[0], e[1])


def test_patches_cut_the_work_by_their_area():
    """On 2 x 2 patches the same net sees a quarter of the pixels: about a quarter of the FLOPs, as many weights
    but for the stem and head (which see 4 channels a pixel, not 1)."""
    from torch.utils.flop_counter import FlopCounterMode

    def flops(net: TinyUNet) -> int:
        with FlopCounterMode(display=False) as fc, torch.no_grad():
            net(torch.zeros(1, 1, 28, 28), torch.tensor([500]))
        return fc.get_total_flops()

    plain, patched = TinyUNet(UNetConfig(channel_mults=(1, 2))), TinyUNet(UNetConfig(channel_mults=(1, 2), patch=2))
    assert 0.23 < flops(patched) / flops(plain) < 0.27
    stem_and_head = 2 * 3 * 3 * 32 * 3                      # conv_in and conv_out weights gain 3 channels a pixel
    assert patched.num_params() - plain.num_params() == stem_and_head + 3


def test_config_round_trip():
    cfg = UNetConfig(base_channels=24, channel_mults=(1, 2))
    assert UNetConfig.from_dict(cfg.to_dict()) == cfg
    old_card = {k: v for k, v in UNetConfig().to_dict().items() if k != "patch"}      # written before patches
    assert UNetConfig.from_dict(old_card).patch == 1


def test_channels_last_same_result():
    torch.manual_seed(0)
    net = TinyUNet(UNetConfig()).eval()
    x, t = torch.randn(2, 1, 28, 28), torch.tensor([5.0, 500.0])
    with torch.no_grad():
        a = net(x, t)
        b = net.to(memory_format=torch.channels_last)(x.contiguous(memory_format=torch.channels_last), t)
    assert torch.allclose(a, b, atol=1e-5)


def test_device_choice(monkeypatch):
    monkeypatch.setenv("DIFFUSION_DEVICE", "cpu")
    assert pick_device().type == "cpu"
    monkeypatch.setenv("DIFFUSION_DEVICE", "tpu")
    with pytest.raises(ValueError):
        pick_device()
    assert pick_device("cpu").type == "cpu"
