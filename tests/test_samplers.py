"""Samplers on a denoiser known in closed form: they must turn N(0, 1) into the data distribution."""
import numpy as np
import pytest
import torch

from diffusion_core.samplers import SAMPLERS, run, sample, start_noise, timesteps_of
from diffusion_core.schedule import NoiseSchedule
from toy import M, S, MixtureDenoiser, mixture_samples

SCHEDULE = NoiseSchedule("linear")
# quantiles away from the gap between the modes (where a quantile jumps from one mode to the other)
QS = np.r_[np.linspace(0.05, 0.40, 8), np.linspace(0.60, 0.95, 8)]
TOY = MixtureDenoiser(SCHEDULE.alphas_cumprod)


@pytest.mark.parametrize("name,steps", [("ddpm", 1000), ("ddim", 100), ("euler", 100), ("heun", 30), ("dpmpp2m", 50)])
def test_samples_follow_the_data(name, steps):
    """Two-sample check against the true mixture: the two modes, their share and their width.

    Narrow modes make the ODE stiff, so step counts here are generous: this checks correctness;
    how few steps suffice on the real model is measured by bench/quality_vs_steps.py."""
    x = sample(TOY, SCHEDULE, sampler=name, num_steps=steps, shape=(4000, 1, 1, 1), seed=7).flatten().numpy()
    ref = mixture_samples(4000, seed=1)
    assert abs((x > 0).mean() - 0.5) < 0.04, "both modes, in equal measure"
    for sign in (-1, 1):
        mode = x[np.sign(x) == sign]
        assert abs(abs(mode.mean()) - M) < 0.05
        assert abs(mode.std() - S) < 0.06
    # quantiles close to the reference draw (a Q-Q check)
    assert np.abs(np.quantile(x, QS) - np.quantile(ref, QS)).max() < 0.05


def test_fewer_steps_are_worse_for_ddim():
    """With 2 steps DDIM is visibly off; with 50 it is close (why step counts matter)."""
    ref = np.quantile(mixture_samples(4000, 2), QS)
    err = {}
    for n in (2, 50):
        x = sample(TOY, SCHEDULE, sampler="ddim", num_steps=n, shape=(4000, 1, 1, 1), seed=3).flatten().numpy()
        err[n] = np.abs(np.quantile(x, QS) - ref).max()
    assert err[50] < err[2]


def test_callback_and_step_records():
    seen = []
    out = sample(TOY, SCHEDULE, sampler="dpmpp2m", num_steps=8, shape=(3, 1, 2, 2), seed=0, callback=seen.append)
    assert [s.index for s in seen] == list(range(8)) and seen[-1].num_steps == 8
    assert torch.equal(out, seen[-1].x_next)
    assert [s.t for s in seen] == timesteps_of("dpmpp2m", SCHEDULE, 8)
    for a, b in zip(seen, seen[1:]):
        assert torch.equal(a.x_next, b.x_t) and a.t_next == b.t
    assert seen[-1].t_next == -1
    for s in seen:
        assert s.x0_pred.shape == s.eps_pred.shape == s.x_t.shape == (3, 1, 2, 2)


def test_seeds_reproduce_and_differ():
    a = sample(TOY, SCHEDULE, sampler="ddpm", num_steps=50, shape=(2, 1, 3, 3), seed=5)
    b = sample(TOY, SCHEDULE, sampler="ddpm", num_steps=50, shape=(2, 1, 3, 3), seed=5)
    c = sample(TOY, SCHEDULE, sampler="ddpm", num_steps=50, shape=(2, 1, 3, 3), seed=6)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_two_runs_interleaved_do_not_share_state():
    """Samplers keep their state in locals: two generators stepped in turn equal two runs one after another."""
    for name in SAMPLERS:
        xa, ga = start_noise((2, 1, 2, 2), 1)
        xb, gb = start_noise((2, 1, 2, 2), 2)
        ra, rb = run(TOY, SCHEDULE, xa, sampler=name, num_steps=6, generator=ga), run(TOY, SCHEDULE, xb, sampler=name, num_steps=6, generator=gb)
        inter = [(sa.x_next, sb.x_next) for sa, sb in zip(ra, rb)][-1]
        solo_a = sample(TOY, SCHEDULE, sampler=name, num_steps=6, shape=(2, 1, 2, 2), seed=1)
        solo_b = sample(TOY, SCHEDULE, sampler=name, num_steps=6, shape=(2, 1, 2, 2), seed=2)
        assert torch.equal(inter[0], solo_a) and torch.equal(inter[1], solo_b), name


def test_eta_zero_is_deterministic_eta_one_is_not():
    x_T, _ = start_noise((2, 1, 3, 3), 0)
    runs = [list(run(TOY, SCHEDULE, x_T, sampler="ddim", num_steps=10, eta=e, generator=torch.Generator().manual_seed(g)))[-1].x_next
            for e, g in ((0.0, 1), (0.0, 2), (1.0, 1), (1.0, 2))]
    assert torch.equal(runs[0], runs[1]) and not torch.equal(runs[2], runs[3])


def test_clip_x0_keeps_estimates_in_range():
    wild = lambda x, t: torch.full_like(x, -5.0)  # noqa: E731 - predicts absurd noise
    for name in SAMPLERS:
        steps = list(run(wild, SCHEDULE, start_noise((1, 1, 2, 2), 0)[0], sampler=name, num_steps=4, clip_x0=True))
        assert all(s.x0_pred.abs().max() <= 1.0 for s in steps), name


def test_argument_checks():
    x, _ = start_noise((1, 1, 2, 2), 0)
    for kw in ({"sampler": "nope"}, {"num_steps": 0}, {"num_steps": 1001}):
        with pytest.raises(ValueError):
            run(TOY, SCHEDULE, x, **kw)
    with pytest.raises(ValueError):
        list(run(TOY, SCHEDULE, x, sampler="ddim", eta=2.0))


def test_nfe_bookkeeping():
    for name, info in SAMPLERS.items():
        calls = []
        counted = lambda x, t: calls.append(1) or TOY(x, t)  # noqa: E731
        steps = list(run(counted, SCHEDULE, start_noise((1, 1, 1, 1), 0)[0], sampler=name, num_steps=7))
        assert len(calls) == steps[-1].nfe == info.nfe(7), name
