"""Expected run times: CallCosts keeps seconds per network call by model and batch, and the tabs turn them into
the time a learner is told before a run (no clock is read here: the figures are given)."""
import json
import re

import pytest

from diffusion_core.serving.costs import LONG_RUN_S, CallCosts
from raw_api import completed, raw_call


def test_a_run_costs_its_calls_times_the_recorded_cost_per_call():
    c = CallCosts()
    assert c.expected("net", 16, 100) is None, "never measured: no figure, not a guess"
    c.record("net", 16, calls=20, seconds=4.0)                          # 0.2 s a call
    assert c.expected("net", 16, 1000) == pytest.approx(200.0)
    c.record("net", 16, calls=10, seconds=1.0)                          # 0.1 s a call: the two weigh half each
    assert c.per_call("net", 16) == pytest.approx(0.15)
    assert c.expected("other", 16, 10) is None


def test_batches_between_measured_ones_are_interpolated_and_larger_ones_scaled():
    c = CallCosts()
    c.record("net", 1, 1, 0.01)
    c.record("net", 16, 1, 0.16)
    assert c.per_call("net", 4) == pytest.approx(0.01 + 0.15 * 3 / 15)
    assert c.per_call("net", 32) == pytest.approx(0.32)
    assert c.per_call("net", 16) == pytest.approx(0.16)


def test_a_snapshot_keeps_the_figures_of_its_moment():
    c = CallCosts()
    c.record("net", 16, calls=10, seconds=1.0)
    snap = c.snapshot()
    c.record("net", 16, calls=10, seconds=3.0)                          # a run slowed by others
    assert snap.per_call("net", 16) == pytest.approx(0.1) and c.per_call("net", 16) == pytest.approx(0.2)


def test_nothing_is_recorded_from_an_empty_or_broken_run():
    c = CallCosts()
    for calls, secs in ((0, 1.0), (5, 0.0), (5, float("nan")), (5, -1.0)):
        c.record("net", 16, calls, secs)
    assert c.per_call("net", 16) is None


def durations(text: str) -> list[float]:
    """Every duration a note prints ("0.4 s", "3 min 20 s", "12.0 秒", "3 分 20 秒"), in seconds, in order."""
    found = re.finditer(r"(\d+) (?:min|分) (\d+) (?:s|秒)|(\d+\.\d) (?:s|秒)", text)
    return [60 * int(m[1]) + int(m[2]) if m[1] else float(m[3]) for m in found]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_denoise_tab_tells_the_time_before_a_run_and_offers_50_steps_for_a_long_one(app_url, lang):
    def ask(steps: int) -> tuple[str, bool]:
        """The note and whether the "use 50 steps" button is shown (raw HTTP: the client leaves buttons out)."""
        note, button = completed(raw_call(app_url, "expected_time", json.dumps({"data": ["ddpm", steps, 16, "teacher"]}),
                                          {"Accept-Language": lang}))
        return note, button.get("visible", False)

    (note, offered), (long_note, long_offered) = ask(20), ask(1000)
    (short_s,), (long_s, *offer) = durations(note), durations(long_note)
    # the same calls at the same batch: 50 times the calls is 50 times the time (to the note's rounding)
    assert long_s == pytest.approx(50 * short_s, rel=0.05, abs=1.0)
    assert ("⏳" in long_note) == (long_s > LONG_RUN_S) == long_offered and "⏳" not in note and not offered
    assert ("1000" in long_note) and ("20" in note)
    if long_s > LONG_RUN_S:        # the shorter way offered: the same sampler in 50 steps, with its own time
        assert offer == [pytest.approx(2.5 * short_s, rel=0.05, abs=0.2)] and "50" in long_note
    assert ("一次接一次" in long_note or "网络调用" in note) == (lang == "zh-CN")


def test_bad_input_to_the_time_note_is_a_clear_error(app_url, client):
    from gradio_client.exceptions import AppError

    assert "finite" in raw_call(app_url, "expected_time", '{"data": ["ddpm", NaN, 16, "teacher"]}')
    for args in (("nope", 20, 16, "teacher"), ("ddim", 20, 99, "teacher")):
        with pytest.raises(AppError):
            client.predict(*args, api_name="/expected_time")
    assert "20" in client.predict("ddpm", 20, 16, "teacher", api_name="/expected_time")     # still serving
