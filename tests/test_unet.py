"""The tiny UNet: shapes, time conditioning, devices."""
import pytest
import torch

from diffusion_core.device import pick_device
from diffusion_core.unet import TinyUNet, UNetConfig, timestep_embedding


@pytest.mark.parametrize("cfg,shape", [
    (UNetConfig(), (2, 1, 28, 28)),
    (UNetConfig(in_channels=3, base_channels=16, channel_mults=(1, 2, 2), attention=False), (1, 3, 32, 48)),
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


def test_config_round_trip():
    cfg = UNetConfig(base_channels=24, channel_mults=(1, 2))
    assert UNetConfig.from_dict(cfg.to_dict()) == cfg


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
