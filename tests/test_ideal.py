"""The ideal denoiser of a finite set, checked against its closed form's limits."""
import torch

from diffusion_core.ideal import alpha_bar_at, hybrid, ideal_denoiser
from diffusion_core.samplers import sample
from diffusion_core.samplers.base import x0_from_eps
from diffusion_core.schedule import NoiseSchedule

SCHED = NoiseSchedule("linear")


def _data(n: int = 6, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 1, 8, 8, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def test_one_image_set_is_recovered_exactly_from_any_noise():
    data = _data(1)
    eps_star = ideal_denoiser(data, SCHED)
    x = torch.randn(3, 1, 8, 8)
    for t in (0, 400, 999):
        x0 = x0_from_eps(x, eps_star(x, torch.full((3,), float(t))), alpha_bar_at(SCHED, t))
        torch.testing.assert_close(x0, data.expand(3, -1, -1, -1), atol=1e-4, rtol=0)


def test_posterior_mean_goes_from_nearest_image_to_the_average():
    data = _data()
    eps_star = ideal_denoiser(data, SCHED)
    k = 20                                                       # little noise: the nearest image
    x_t = SCHED.add_noise(data[2:3], k, 0.01 * torch.randn(1, 1, 8, 8))
    x0 = x0_from_eps(x_t, eps_star(x_t, torch.tensor([k - 1.0])), alpha_bar_at(SCHED, k - 1))
    torch.testing.assert_close(x0, data[2:3], atol=1e-3, rtol=0)
    x_T = torch.randn(1, 1, 8, 8)                                # pure noise: about the mean of all
    x0 = x0_from_eps(x_T, eps_star(x_T, torch.tensor([999.0])), alpha_bar_at(SCHED, 999))
    assert (x0 - data.mean(0)).abs().max() < 0.05


def test_alpha_bar_at_integers_and_between():
    acp = SCHED.alphas_cumprod
    assert abs(alpha_bar_at(SCHED, 250) - float(acp[250])) < 1e-12
    mid = alpha_bar_at(SCHED, 250.5)
    assert float(acp[251]) < mid < float(acp[250])


def test_sampling_with_it_reproduces_training_images_and_hybrid_switches():
    data = _data()
    eps_star = ideal_denoiser(data, SCHED)
    for name in ("ddim", "euler"):
        x = sample(eps_star, SCHED, sampler=name, num_steps=30, shape=(4, 1, 8, 8), seed=1)
        nearest = torch.cdist(x.flatten(1), data.flatten(1)).min(1).values
        assert nearest.max() < 0.05, name
    calls = []
    zero = lambda x, t: calls.append(float(t[0])) or torch.zeros_like(x)  # noqa: E731
    mixed = hybrid(eps_star, zero, tau=500)
    sample(mixed, SCHED, sampler="ddim", num_steps=10, shape=(1, 1, 8, 8), seed=0)
    assert calls and max(calls) <= 500 and len(calls) == 5
