"""The ideal denoisers of a finite set and of a Gaussian, checked against their closed forms."""
import torch

from diffusion_core.ideal import alpha_bar_at, gaussian_denoiser, gaussian_flow_map, hybrid, ideal_denoiser, spectrum_of
from diffusion_core.lessons.reform import model_reform
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


def _gaussian(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(mean [3, 1, 1], power [3, 24, 32], n pictures drawn from that Gaussian): a 1/f^2 spectrum, like photos."""
    fy, fx = torch.fft.fftfreq(24, dtype=torch.float64)[:, None], torch.fft.fftfreq(32, dtype=torch.float64)[None]
    p = (fy**2 + fx**2).clamp(min=1 / 32**2) ** -1.0
    power = (p / p.mean() * 0.25).expand(3, 24, 32)                                 # pixel std 0.5
    mean = torch.tensor([0.1, -0.2, 0.0], dtype=torch.float64).view(3, 1, 1)
    white = torch.randn(n, 3, 24, 32, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return mean, power, mean + torch.fft.ifft2(power.sqrt() * torch.fft.fft2(white, norm="ortho"), norm="ortho").real


def _ddim(model, k: int, x_k: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(the first step's x0_pred, the end) of DDIM with n steps from step count k."""
    guess, x = None, x_k.float()
    for st in model_reform(model, SCHED, x, k, n):
        guess, x = st.x0_pred if guess is None else guess, st.x_next
    return guess.double(), x.double()


def test_ddim_with_the_gaussian_denoiser_converges_to_the_probability_flow_map():
    mean, power, x0 = _gaussian(16)
    k = 600
    ab = float(SCHED.alphas_cumprod[k - 1])
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x_k = ab**0.5 * x0 + (1 - ab) ** 0.5 * noise
    target = gaussian_flow_map(x_k, ab, mean, power)
    model = gaussian_denoiser(mean, power, SCHED)
    errs = [float((_ddim(model, k, x_k, n)[1] - target).norm() / (target - mean).norm()) for n in (25, 50, 100)]
    assert errs[2] < 0.03
    assert all(1.7 < a / b < 2.3 for a, b in zip(errs, errs[1:]))       # first order: twice the steps, half the error


def test_the_sharp_reform_has_more_squared_error_than_the_guess_as_theory_says():
    """Per Fourier coefficient, with r = a^2 P / (a^2 P + s^2): E(guess - x0)^2 = P (1 - r) (the least possible) and
    E(flow map - x0)^2 = 2 P (1 - sqrt r): up to twice the guess's when x_t is mostly noise (r -> 0)."""
    mean, power, x0 = _gaussian(256, seed=2)
    model = gaussian_denoiser(mean, power, SCHED)
    for k, lo in ((100, 1.1), (250, 1.3), (600, 1.6)):
        ab = float(SCHED.alphas_cumprod[k - 1])
        r = ab * power / (ab * power + 1 - ab)                                     # a^2 = ab, s^2 = 1 - ab
        want_guess, want_reform = float((power * (1 - r)).sum()) * 256, float((2 * power * (1 - r.sqrt())).sum()) * 256
        noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(k), dtype=torch.float64)
        guess, reform = _ddim(model, k, ab**0.5 * x0 + (1 - ab) ** 0.5 * noise, 200)
        got_guess, got_reform = float(((guess - x0) ** 2).sum()), float(((reform - x0) ** 2).sum())
        # 256 draws: the tolerance is 4+ standard deviations of the sampling error, plus DDIM's 1% at 200 steps
        assert abs(got_guess / want_guess - 1) < 0.035 and abs(got_reform / want_reform - 1) < 0.035
        assert got_reform / got_guess > lo


def test_spectrum_of_one_picture_gives_back_its_variance():
    _, _, x0 = _gaussian(1, seed=3)
    mean, power = spectrum_of(x0[0])
    assert torch.allclose(mean[:, 0, 0], x0[0].mean(dim=(1, 2)))
    assert torch.allclose(power.sum(dim=(1, 2)), ((x0[0] - mean) ** 2).sum(dim=(1, 2)))     # Parseval
