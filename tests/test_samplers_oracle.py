"""Our samplers against diffusers' schedulers (the test-only oracle) on the same model, x_T and noise."""

import pytest
import torch

diffusers = pytest.importorskip("diffusers")

from diffusion_core.samplers import SAMPLERS, run, start_noise  # noqa: E402
from diffusion_core.schedule import NoiseSchedule  # noqa: E402
from toy import MixtureDenoiser  # noqa: E402

SHAPE = (2, 1, 6, 6)




def schedule_as_diffusers(kind: str) -> NoiseSchedule:
    """Our schedule with diffusers' float32 alphas_cumprod, so the test compares samplers, not rounding.

    (The schedules themselves are compared in test_schedule.py.)"""
    s = NoiseSchedule(kind)
    ref = diffusers.schedulers.DDPMScheduler(**_common(kind)).alphas_cumprod.double()
    object.__setattr__(s, "alphas_cumprod", ref)
    return s


def _common(kind):
    return dict(num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02,
                beta_schedule="linear" if kind == "linear" else "squaredcos_cap_v2")


SCHEDULES = {kind: schedule_as_diffusers(kind) for kind in ("linear", "cosine")}
TOY = {kind: MixtureDenoiser(SCHEDULES[kind].alphas_cumprod) for kind in ("linear", "cosine")}


def diffusers_run(name, kind, n, x_T, seed, eta=0.0):
    s = diffusers.schedulers
    cfg = _common(kind)
    if name == "ddpm":
        sch = s.DDPMScheduler(**cfg, clip_sample=False, timestep_spacing="trailing", variance_type="fixed_small")
    elif name == "ddim":
        sch = s.DDIMScheduler(**cfg, clip_sample=False, set_alpha_to_one=True, timestep_spacing="trailing")
    elif name == "euler":
        sch = s.EulerDiscreteScheduler(**cfg, use_karras_sigmas=True, timestep_spacing="linspace")
    elif name == "heun":
        sch = s.HeunDiscreteScheduler(**cfg, use_karras_sigmas=True, timestep_spacing="linspace")
    else:
        sch = s.DPMSolverMultistepScheduler(**cfg, algorithm_type="dpmsolver++", solver_order=2,
                                             timestep_spacing="trailing", final_sigmas_type="zero")
    sch.set_timesteps(n)
    gen = torch.Generator().manual_seed(seed)
    x = x_T * sch.init_noise_sigma
    calls = 0
    for t in sch.timesteps:
        inp = sch.scale_model_input(x, t)
        eps = TOY[kind](inp, torch.full((x.shape[0],), float(t)))
        calls += 1
        kw = {"eta": eta} if name == "ddim" else {}
        if name in ("ddpm", "ddim"):
            kw["generator"] = gen
        x = sch.step(eps, t, x, **kw).prev_sample
    return x, calls


CASES = [("ddpm", 1000, 0.0), ("ddpm", 50, 0.0), ("ddim", 50, 0.0), ("ddim", 20, 1.0), ("ddim", 10, 0.5),
         ("euler", 30, 0.0), ("euler", 7, 0.0), ("heun", 10, 0.0), ("dpmpp2m", 20, 0.0), ("dpmpp2m", 10, 0.0),
         ("dpmpp2m", 5, 0.0)]


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("name,n,eta", CASES)
def test_matches_diffusers(name, n, eta, kind):
    schedule = SCHEDULES[kind]
    seed = 1234
    x_T, gen = start_noise(SHAPE, seed)
    kw = {"eta": eta} if name == "ddim" else {}
    calls = 0

    def counted(x, t):
        nonlocal calls
        calls += 1
        return TOY[kind](x, t)

    steps = list(run(counted, schedule, x_T, sampler=name, num_steps=n, generator=torch.Generator().manual_seed(seed), **kw))
    ours = steps[-1].x_next
    ref, ref_calls = diffusers_run(name, kind, n, x_T.clone(), seed, eta)
    assert ours.shape == ref.shape
    err = (ours - ref).abs().max().item()
    # Linear (the schedule our models use): 1e-4. Cosine reaches alpha_bar = 2.4e-9 at t = 999, where
    # diffusers' float32 coefficients alone move the result by ~3e-4; there our float32 run is checked
    # against our float64 run instead of being let off.
    tol = 1e-4 if kind == "linear" else 5e-4
    assert err < tol, f"{name} {kind} n={n}: max abs diff {err:.2e}"
    if kind == "cosine":
        ours64 = list(run(TOY[kind], schedule, x_T.double(), sampler=name, num_steps=n,
                          generator=torch.Generator().manual_seed(seed), **kw))[-1].x_next
        assert (ours.double() - ours64).abs().max().item() < 2e-5
    # the result is not trivially equal to the start, and NFE bookkeeping matches the calls made
    assert (ours - x_T).abs().max().item() > 0.1
    assert calls == ref_calls == steps[-1].nfe == SAMPLERS[name].nfe(n)
    assert [s.index for s in steps] == list(range(n))


def rounded_toy(x, t):
    """The toy asked at the nearest whole timestep: diffusers rounds a Karras grid's timesteps for the model (its
    sigmas stay exact), so both runs ask the same questions."""
    return TOY["linear"](x, t.round())


def diffusers_on_grid(name, grid, kind, n, x_T):
    """diffusers' scheduler for ``name`` set to the other grid: DPM-Solver++ on Karras sigmas, Euler on trailing
    timesteps."""
    s, cfg = diffusers.schedulers, _common(kind)
    if name == "dpmpp2m":
        sch = s.DPMSolverMultistepScheduler(**cfg, algorithm_type="dpmsolver++", solver_order=2,
                                             use_karras_sigmas=True, final_sigmas_type="zero")
    else:
        sch = s.EulerDiscreteScheduler(**cfg, timestep_spacing="trailing")
    sch.set_timesteps(n)
    x = x_T * sch.init_noise_sigma
    for t in sch.timesteps:
        eps = rounded_toy(sch.scale_model_input(x, t), torch.full((x.shape[0],), float(t)))
        x = sch.step(eps, t, x).prev_sample
    return x


@pytest.mark.parametrize("name,grid", [("dpmpp2m", "karras"), ("euler", "trailing")])
@pytest.mark.parametrize("n", [5, 20])
def test_a_sampler_on_another_grid_matches_diffusers(name, grid, n):
    """The grid is an argument: a sampler run on another sampler's grid is that sampler as diffusers runs it there."""
    schedule = SCHEDULES["linear"]
    x_T, _ = start_noise(SHAPE, 7)
    ours = list(run(rounded_toy, schedule, x_T, sampler=name, num_steps=n, grid=grid))[-1].x_next
    own = list(run(rounded_toy, schedule, x_T, sampler=name, num_steps=n))[-1].x_next
    ref = diffusers_on_grid(name, grid, "linear", n, x_T.clone())
    assert (ours - ref).abs().max().item() < 1e-4
    assert (own - ref).abs().max().item() > 1e-3, "the grid made no difference: the test would not see a wrong one"
