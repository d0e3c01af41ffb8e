"""diffusion_core.lessons.denoise.RunCache: a run asked again is not run again, and it is the run it stands for."""
import numpy as np
import torch

from diffusion_core.lessons.denoise import RunCache, run_frames
from diffusion_core.schedule import NoiseSchedule
from toy import MixtureDenoiser

SCHEDULE = NoiseSchedule("linear")


class Named(MixtureDenoiser):
    """The closed-form denoiser with weights to name (as a shipped model has), counting its calls."""

    def __init__(self, sha256: str):
        super().__init__(SCHEDULE.alphas_cumprod)
        self.sha256, self.calls = sha256, 0

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return super().__call__(x, t)


def final(cache: RunCache, model, **kw):
    args = dict(sampler="ddim", num_steps=8, seed=3, n=2, shape=(1, 4, 4), eta=0.0) | kw
    return cache.final(model, SCHEDULE, **{k: v for k, v in args.items() if v is not None})    # eta None: none


def test_the_same_run_is_made_once_and_is_the_run_made_afresh():
    cache, model = RunCache(), Named("a")
    first = final(cache, model)
    assert model.calls == 8
    assert final(cache, model) is first and model.calls == 8, "asked again: kept, not run again"
    fresh = list(run_frames(Named("a"), SCHEDULE, sampler="ddim", num_steps=8, seed=3, n=2, shape=(1, 4, 4),
                            keep=1, eta=0.0))[-1]
    assert np.array_equal(first.final, fresh.final) and np.array_equal(first.arrived, fresh.arrived)
    # anything that changes the run is another key: seed, steps, eta, count, sampler, the weights
    for change in (dict(seed=4), dict(num_steps=9), dict(eta=1.0), dict(n=3), dict(sampler="euler", eta=None)):
        before = model.calls
        final(cache, model, **change)
        assert model.calls > before, change
    other = Named("b")
    final(cache, other)
    assert other.calls == 8, "other weights, other run"


def test_it_holds_at_most_its_size_and_drops_the_least_recently_used():
    cache, model = RunCache(size=2), Named("a")
    for seed in (1, 2):
        final(cache, model, seed=seed)
    final(cache, model, seed=1)                       # seed 1 is now the most recently used
    final(cache, model, seed=3)                       # drops seed 2
    calls = model.calls
    final(cache, model, seed=1)
    assert model.calls == calls
    final(cache, model, seed=2)
    assert model.calls == calls + 8


def test_a_model_without_weights_to_name_is_not_kept():
    cache, model = RunCache(), MixtureDenoiser(SCHEDULE.alphas_cumprod)
    first, again = final(cache, model), final(cache, model)
    assert first is not again and np.array_equal(first.final, again.final)
