"""The forward process against its closed forms (Ho et al. 2020, eqs. 2, 4, 6-7)."""
import math

import numpy as np
import pytest
import torch

from diffusion_core.lessons import forward
from diffusion_core.schedule import NoiseSchedule


@pytest.fixture(params=["linear", "cosine"])
def schedule(request):
    return NoiseSchedule(request.param)


def test_invariants(schedule):
    ab = schedule.alpha_bar
    assert ab[0] == 1.0 and len(ab) == 1001
    assert torch.all(ab[1:] < ab[:-1]), "alpha_bar must fall strictly"
    assert ab[-1] < 1e-4, "x_T must be almost pure noise"
    assert torch.all((schedule.betas > 0) & (schedule.betas < 1))
    assert torch.allclose(schedule.alpha_bar[1:], torch.cumprod(1 - schedule.betas, 0))
    assert schedule.signal_weight(0) == 1.0 and schedule.noise_weight(0) == 0.0
    for k in (1, 10, 500, 1000):
        assert math.isclose(schedule.signal_weight(k) ** 2 + schedule.noise_weight(k) ** 2, 1.0, rel_tol=1e-12)


def test_linear_endpoints():
    s = NoiseSchedule("linear")
    assert math.isclose(s.beta(1), 1e-4) and math.isclose(s.beta(1000), 0.02)


def test_cosine_matches_improved_ddpm_formula():
    s = NoiseSchedule("cosine")
    f = lambda t: math.cos((t / 1000 + 0.008) / 1.008 * math.pi / 2) ** 2  # noqa: E731
    for k in (1, 100, 500, 900):
        assert math.isclose(float(s.alpha_bar[k]), f(k) / f(0), rel_tol=1e-9)


def test_bad_arguments():
    with pytest.raises(ValueError):
        NoiseSchedule("quadratic")
    s = NoiseSchedule()
    for k in (-1, 1001):
        with pytest.raises(ValueError):
            s.signal_weight(k)
    with pytest.raises(ValueError):
        s.beta(0)


@pytest.mark.parametrize("k", [1, 50, 300, 1000])
def test_add_noise_statistics(schedule, k):
    """x_k | x_0 ~ N(sqrt(ab) x_0, (1 - ab) I): check mean and variance over many draws."""
    g = torch.Generator().manual_seed(k)
    x0 = torch.linspace(-1, 1, 8, dtype=torch.float64)
    n = 40000
    xk = schedule.add_noise(x0.expand(n, 8), k, torch.randn(n, 8, generator=g, dtype=torch.float64))
    ab = float(schedule.alpha_bar[k])
    sd = math.sqrt((1 - ab) / n)
    assert torch.all((xk.mean(0) - math.sqrt(ab) * x0).abs() < 5 * sd + 1e-12)
    assert torch.allclose(xk.var(0), torch.full((8,), 1 - ab, dtype=torch.float64), rtol=0.05, atol=1e-9)


def test_add_noise_per_sample_steps(schedule):
    x0 = torch.ones(3, 1, 2, 2)
    eps = torch.zeros_like(x0)
    out = schedule.add_noise(x0, torch.tensor([0, 10, 1000]), eps)
    for i, k in enumerate([0, 10, 1000]):
        assert torch.allclose(out[i], torch.full_like(out[i], schedule.signal_weight(k)), atol=1e-6)


def test_the_network_timestep_is_one_less_than_the_step_count(schedule):
    """Timestep n is the noise level after n + 1 steps (Ho et al.'s code, diffusers' alphas_cumprod[n]): x at n
    is sqrt(alphas_cumprod[n]) x_0 + sqrt(1 - alphas_cumprod[n]) eps, computed here from the betas."""
    n = torch.tensor([0, 1, 499, 999])
    x0, eps = torch.full((4, 1, 2, 2), 0.5, dtype=torch.float64), torch.ones(4, 1, 2, 2, dtype=torch.float64)
    ac = torch.cumprod(1 - schedule.betas, 0)[n].view(-1, 1, 1, 1)
    assert torch.allclose(schedule.noised(x0, n, eps), ac.sqrt() * x0 + (1 - ac).sqrt() * eps, atol=1e-12)
    assert [schedule.timestep(k) for k in (1, 500, 1000)] == [0, 499, 999]
    assert torch.equal(schedule.timestep(torch.tensor([1, 1000])), torch.tensor([0, 999]))
    for k in (0, 1001):                                  # x_0 is not a noise level the network is asked about
        with pytest.raises(ValueError):
            schedule.timestep(k)


@pytest.mark.parametrize("k", [5, 200])
def test_jump_and_walk_same_distribution(k):
    """k small steps land on the same Gaussian as one jump: same mean, same variance, normal shape."""
    s = NoiseSchedule("linear")
    x0 = torch.full((20000,), 0.7, dtype=torch.float64)
    walked = forward.walk(x0, k, s, seed=3)
    jumped = s.add_noise(x0, k, forward.seeded_noise(x0.shape, 4))
    for x in (walked, jumped):
        r = (x - s.signal_weight(k) * x0) / s.noise_weight(k)          # should be N(0, 1)
        assert abs(float(r.mean())) < 0.03 and abs(float(r.std()) - 1) < 0.02
        assert abs(float((r.abs() < 1).double().mean()) - 0.6827) < 0.015   # the normal's 1-sigma mass
    assert not torch.allclose(walked, jumped), "different noise, different picture"


def test_reform_with_record_is_exact():
    s = NoiseSchedule("linear")
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (32, 24, 3), dtype=np.uint8)
    x0 = forward.to_x0(img)
    x_T = forward.dissolve_to(x0, s, 11, 1000)
    assert abs(float(x_T.std()) - 1) < 0.05, "after 1000 steps the picture is noise"
    back = forward.reform_from(x_T, s, 11, 1000)
    assert float((back - x0).abs().max()) <= 1e-4
    wrong = forward.reform_from(x_T, s, 12, 1000)              # someone else's record
    assert float((wrong - x0).abs().max()) > 1.0


def test_record_is_a_pure_function_of_seed_and_step():
    a = forward.seeded_noise((4, 4), 5, 17)
    assert torch.equal(a, forward.seeded_noise((4, 4), 5, 17))
    assert not torch.equal(a, forward.seeded_noise((4, 4), 5, 18))


@pytest.mark.parametrize("k", [2, 100, 999])
def test_posterior_matches_sampling(k):
    """Draw x_{k-1} ~ q(.|x_0), x_k ~ q(x_k|x_{k-1}); then x_{k-1} - mu~(x_k, x_0) has mean 0, variance beta~."""
    s = NoiseSchedule("linear")
    g = torch.Generator().manual_seed(k)
    n = 50000
    x0 = torch.full((n,), -0.4, dtype=torch.float64)
    x_prev = s.add_noise(x0, k - 1, torch.randn(n, generator=g, dtype=torch.float64))
    x_k = s.noise_step(x_prev, k, torch.randn(n, generator=g, dtype=torch.float64))
    mean, var = s.posterior(x0, x_k, k)
    r = x_prev - mean
    assert abs(float(r.mean())) < 5 * math.sqrt(var / n)
    assert abs(float(r.var()) / var - 1) < 0.03


def test_noisy_view_and_film():
    s = NoiseSchedule("linear")
    img = np.full((16, 16, 3), 200, np.uint8)
    v0, v1 = forward.noisy_view(img, 0, s), forward.noisy_view(img, 1000, s)
    assert np.array_equal(v0.x_t, img) and v0.signal_weight == 1.0
    assert abs(v1.std - 1) < 0.1 and abs(v1.mean) < 0.1 and v1.x_t.shape == img.shape
    assert abs(float(np.sum(v1.hist * np.diff(v1.edges))) - 1) < 0.01
    frames = list(forward.record_film(img, 300, s, seed=1, frames=10))
    assert frames[0].phase == "dissolve" and frames[-1].phase == "reform"
    assert frames[-1].max_error is not None and frames[-1].max_error < 1e-6
    assert np.array_equal(frames[-1].picture, img)


def test_noisy_view_matches_the_float64_jump():
    """The slider's float32 display path shows what eq. 4 in float64 gives, to one grey level."""
    s = NoiseSchedule("cosine")
    img = np.random.default_rng(3).integers(0, 256, (20, 13, 3), dtype=np.uint8)
    for k in (0, 1, 250, 999):
        v = forward.noisy_view(img, k, s, seed=7)
        eps = forward.seeded_noise((3, 20, 13), 7, 0)
        want = forward.to_picture(s.add_noise(forward.to_x0(img), k, eps))
        assert np.abs(v.x_t.astype(int) - want).max() <= 1
        assert np.abs(v.noise.astype(int) - forward.to_picture(eps, -3.0, 3.0)).max() <= 1
        assert v.signal_weight == s.signal_weight(k) and v.x_t.shape == img.shape


def test_fast_histogram_matches_numpy():
    vals = np.random.default_rng(0).normal(size=10001) * 2
    vals[:3] = [-4.0, 4.0, 0.0]
    ours, edges = forward.density_histogram(vals, 48, -4.0, 4.0)
    ref, ref_edges = np.histogram(vals, bins=48, range=(-4.0, 4.0), density=True)
    assert np.allclose(edges, ref_edges) and np.allclose(ours, ref)
