"""Flow matching (diffusion_core.flow) against its closed forms, a flow that knows the exact velocity of Gaussian
data transporting N(0, I) to it, and DDIM as the Euler method of the probability-flow ODE, to float precision."""
import math

import pytest
import torch

from diffusion_core import flow
from diffusion_core.samplers import ddim, run, start_noise, trailing
from diffusion_core.schedule import NoiseSchedule
from toy import MixtureDenoiser


def test_the_path_its_velocity_and_the_loss_are_their_closed_forms():
    g = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(4, 1, 3, 3, generator=g), torch.randn(4, 1, 3, 3, generator=g)
    s = torch.tensor([0.0, 0.25, 0.5, 1.0])
    x_s = flow.interpolate(x0, eps, s)
    torch.testing.assert_close(x_s[0], x0[0])
    torch.testing.assert_close(x_s[3], eps[3])
    torch.testing.assert_close(x_s[1], 0.75 * x0[1] + 0.25 * eps[1])
    # the velocity is the derivative of the path in s (a finite difference of a straight line is exact)
    h = 1e-3
    torch.testing.assert_close((flow.interpolate(x0, eps, s + h) - x_s) / h, flow.velocity_target(x0, eps),
                               atol=1e-3, rtol=1e-3)
    v = flow.velocity_target(x0, eps)
    torch.testing.assert_close(flow.x0_from_velocity(x_s, v, s), x0)
    torch.testing.assert_close(flow.eps_from_velocity(x_s, v, s), eps)
    assert flow.flow_loss(v, x0, eps).item() == 0.0
    assert flow.flow_loss(v + 0.5, x0, eps).item() == pytest.approx(0.25)


class GaussianVelocity:
    """The exact marginal velocity E[eps - x_0 | x_s] for data x_0 ~ N(mu, sd^2) per coordinate: x_s is Gaussian
    with mean (1 - s) mu and variance (1 - s)^2 sd^2 + s^2, and E[x_0 | x_s] is its linear regression."""

    def __init__(self, mu: float, sd: float):
        self.mu, self.sd = mu, sd

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        s = (t.double() / flow.T_SCALE).reshape(-1, *([1] * (x.ndim - 1)))
        var = (1 - s) ** 2 * self.sd**2 + s**2
        x0 = self.mu + (1 - s) * self.sd**2 / var * (x.double() - (1 - s) * self.mu)
        eps = (x.double() - (1 - s) * x0) / s.clamp(min=1e-12)
        return (eps - x0).to(x.dtype)


@pytest.mark.parametrize("solver,steps", [("euler", 100), ("heun", 20)])
def test_a_flow_with_the_exact_velocity_carries_noise_to_the_gaussian_data(solver, steps):
    model = GaussianVelocity(mu=1.5, sd=0.3)
    x_T, _ = start_noise((20000, 1), 0)
    x_T = x_T.double()
    *_, last = flow.FLOW_SAMPLERS[solver](model, x_T, flow.uniform_grid(steps))
    x = last.x_next
    assert last.t_next == -1.0 and last.nfe == (steps if solver == "euler" else 2 * steps - 1)
    assert x.mean().item() == pytest.approx(1.5, abs=0.02)
    assert x.std().item() == pytest.approx(0.3, abs=0.02)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("steps", [10, 50])
def test_ddim_is_the_euler_method_of_the_probability_flow_ode(kind, steps):
    schedule = NoiseSchedule(kind)
    model = MixtureDenoiser(schedule.alphas_cumprod)
    x_T, _ = start_noise((64, 1, 4, 4), 3)
    x_T = x_T.double()
    grid = trailing(schedule, steps)
    ours = list(ddim(model, schedule, x_T, grid))
    euler = list(run(model, schedule, x_T, sampler="euler", num_steps=steps, grid="trailing"))
    assert [s.t for s in ours] == [s.t for s in euler]
    worst = max((a.x_next - b.x_next).abs().max().item() for a, b in zip(ours, euler))
    assert worst <= 1e-5, worst
    assert not math.isnan(worst)


def test_a_noise_predicting_net_read_as_a_velocity_is_exact_for_exact_answers():
    """flow.VelocityOfEps asks a diffusion net at the noise level of the straight path's x_s: for data that is one
    point c, the exact eps net gives the exact velocity v = eps - c at every s (also past the schedule's noisiest
    level, where it is asked at t = T - 1 and the conversion still holds to the schedule's limit)."""
    from diffusion_core.samplers.grids import alpha_bar_at

    schedule = NoiseSchedule("linear")
    c = 0.3

    def exact_eps(x, t):                       # x_t = sqrt(ab) c + sqrt(1 - ab) eps
        ab = torch.tensor([alpha_bar_at(schedule, float(v)) for v in t], dtype=x.dtype).view(-1, 1, 1, 1)
        return (x - ab.sqrt() * c) / (1 - ab).sqrt()

    v_of = flow.VelocityOfEps(exact_eps, schedule)
    eps = torch.randn(4, 1, 3, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    s = torch.tensor([0.05, 0.5, 0.9, 0.99], dtype=torch.float64)
    x_s = flow.interpolate(torch.full_like(eps, c), eps, s)
    err = (v_of(x_s, s * flow.T_SCALE) - (eps - c)).abs().max().item()
    assert err < 1e-6, err
