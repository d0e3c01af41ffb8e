"""The race of samplers: same x_T everywhere, NFE counted by a wrapper, cells parsed strictly."""
import pytest
import torch

from diffusion_core import compare
from diffusion_core.samplers import SAMPLERS
from diffusion_core.schedule import NoiseSchedule
from toy import MixtureDenoiser

SCHEDULE = NoiseSchedule("linear")


def test_every_cell_starts_from_the_same_noise_and_counts_calls():
    seen_first_inputs = []

    def model(x, t):
        if float(t[0]) >= 998.5:              # the first call of every sampler sees x_T (or x_T scaled)
            seen_first_inputs.append(x.clone())
        return MixtureDenoiser(SCHEDULE.alphas_cumprod)(x, t)

    cells = [("ddpm", 4), ("ddim", 3), ("euler", 3), ("heun", 3), ("dpmpp2m", 3)]
    results = [e.result for e in compare.race(model, SCHEDULE, cells, seed=5, n=2, shape=(1, 4, 4)) if e.result]
    assert [(r.sampler, r.steps) for r in results] == cells
    for r in results:
        assert r.nfe == SAMPLERS[r.sampler].nfe(r.steps)
        assert r.digits.shape == (2, 4, 4) and r.digits.dtype.name == "uint8"
    # the Karras samplers feed x_T / sqrt(1 + sigma^2) * sqrt(1 + sigma^2) = x_T to the network: all equal
    assert len(seen_first_inputs) == len(cells)
    for x in seen_first_inputs[1:]:
        assert torch.allclose(x, seen_first_inputs[0], atol=1e-5)


def test_progress_events_for_long_cells():
    toy = MixtureDenoiser(SCHEDULE.alphas_cumprod)
    events = list(compare.race(toy, SCHEDULE, [("ddpm", 120)], seed=0, n=1, shape=(1, 2, 2), report_every=50))
    assert [(e.step, e.result is None) for e in events] == [(50, True), (100, True), (120, False)]


@pytest.mark.parametrize("bad", ["ddim", "ddim:0", "ddim:1001", "nope:5", "ddim:-3", "ddim:5.5", ""])
def test_parse_cell_rejects(bad):
    with pytest.raises(ValueError):
        compare.parse_cell(bad)


def test_parse_cell_accepts_defaults():
    for name, steps in compare.DEFAULT_CELLS + compare.EXTRA_CELLS:
        assert compare.parse_cell(compare.cell_key(name, steps)) == (name, steps)
