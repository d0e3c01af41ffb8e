"""The ends of every slider: the smallest and largest values a learner can pick give a result, not a crash."""
import re

import numpy as np
import pytest
from PIL import Image

from diffusion_core.paths import assets_dir
from diffusion_core.samplers import SAMPLERS

needs_digits = pytest.mark.skipif(not (assets_dir() / "digits.safetensors").exists(), reason="digits model not built")


@needs_digits
@pytest.mark.parametrize("sampler", list(SAMPLERS))
def test_one_step_runs_of_every_sampler(client, sampler):
    """One step is the 'why not jump at once?' experiment: it must run and draw its picture and timeline."""
    xt, x0, eps, status, line, scrub, gif = client.predict(sampler, 1, 1.0, 2**31 - 1, 1, api_name="/generate")
    assert "<svg" in line and "nan" not in line.lower()
    assert "Done: 1 step," in status
    assert int(re.search(r"(\d+) network call", status).group(1)) == SAMPLERS[sampler].nfe(1)
    assert np.asarray(Image.open(xt)).size > 0 and Image.open(gif).format == "GIF"


@needs_digits
def test_noise_and_reform_at_the_ends_of_t(client):
    for t in (0, 1000):
        x_t, weights, hist, sched = client.predict(t, "cosine", 0, api_name="/noisy_view")
        assert "nan" not in (weights + hist + sched).lower()
    *pics, text = client.predict(4999, 1000, 2**31 - 1, api_name="/reform_digit")
    assert "record ∞ dB" in text
    film, gif, text = client.predict(0, "linear", 0, api_name="/record_film")
    assert "after 0 steps" in text


def test_dye_at_its_ends(client):
    out = client.predict(1.0, 0.0, 0, 100, 0, 0, api_name="/drop_dye")       # a corner, before any step
    assert "entropy 0.000." in out[3]                         # every particle in one spot: zero, not "-0.000"
    _, chart, status = client.predict("heart", None, 1, 0, api_name="/train_points")
    assert "nan" not in status.lower() and "nan" not in chart.lower()
    film, text, gif = client.predict(2**31 - 1, api_name="/unmix_film")
    assert Image.open(gif).format == "GIF"
