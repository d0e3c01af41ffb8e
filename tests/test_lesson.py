"""The Lesson (issue 44): every experiment's verdict follows from what it measures, checked against the maths
done here independently; every learner question of the source lesson has its step; every step speaks both
languages; a prediction the step does not offer, or a step that does not exist, is refused in words."""
import math

import numpy as np
import pytest

from diffusion_core import lesson
from diffusion_core.schedule import NoiseSchedule


@pytest.fixture(scope="module")
def sched():
    return NoiseSchedule("linear")


def ddpm_alpha_bar(k: int) -> float:
    """alpha_bar_k of DDPM's linear schedule (beta from 1e-4 to 0.02 over 1000 steps), from the paper's numbers."""
    return float(np.prod(1 - np.linspace(1e-4, 0.02, 1000)[:k]))


def test_each_learner_question_has_exactly_one_step_and_each_step_its_words():
    from ui.strings_en import EN
    from ui.strings_zh import ZH

    asked = [q for s in lesson.STEPS for q in s.answers]
    assert sorted(asked) == sorted(lesson.QUESTIONS) and len(asked) == len(set(asked)) == 8
    assert 8 <= len(lesson.STEPS) <= 10 and len(set(lesson.STEP_KEYS)) == len(lesson.STEPS)
    for s in lesson.STEPS:
        for part in ("title", "story", "q", "pics", "why", "math", *s.choices):
            assert f"lesson_{s.key}_{part}" in EN and f"lesson_{s.key}_{part}" in ZH, (s.key, part)
        assert s.tab in ("dye", "noise", "denoise", "steer", "compare")


def test_the_one_jump_verdict_is_the_closed_forms(sched):
    photo = np.full((32, 32, 3), 128, np.uint8)
    out = lesson.jump(photo, sched, seed=0, k=500)
    a = math.sqrt(ddpm_alpha_bar(500))
    assert out.facts["a"] == pytest.approx(a) and out.facts["b"] == pytest.approx(math.sqrt(1 - a * a))
    assert a == pytest.approx(0.28, abs=0.01) and out.answer == "barely"
    assert lesson.jump(photo, sched, seed=0, k=50).answer == "clear"       # sqrt(alpha_bar_50) = 0.97
    assert lesson.jump(photo, sched, seed=0, k=900).answer == "gone"       # 0.0006
    near = lesson.near_zero(photo, sched, seed=0, k=10)
    assert near.facts["share"] == pytest.approx(100 * ddpm_alpha_bar(10)) and near.answer == "almost_all"
    assert near.facts["beta"] == pytest.approx(100 * np.linspace(1e-4, 0.02, 1000)[9])


def test_the_record_gives_the_digit_back_exactly_and_the_dye_spreads_evenly(sched):
    from diffusion_core.data import mnist_digits
    from diffusion_core.pretrained import load

    out = lesson.stones(load("digits"), sched, seed=0)
    assert out.answer == "exact" and out.facts["diff"] == 0
    assert np.array_equal(out.pictures[0], mnist_digits()[0][lesson.DIGIT])
    assert np.array_equal(out.pictures[2], out.pictures[0])          # rebuilt with the record: the same pixels
    assert not np.array_equal(out.pictures[3], out.pictures[0])      # by the model: a digit, not this one
    dye = lesson.dye_spread(seed=0)
    assert dye.answer == "even" and dye.facts["entropy"] >= 0.9


def test_the_net_answers_with_the_noise_and_one_jump_is_a_blur(sched):
    from diffusion_core.pretrained import load

    net = load("digits")
    g = lesson.guess(net, sched, seed=0)
    assert g.answer == "noise" and g.facts["noise"] > 0.9 and abs(g.facts["clean"]) < 0.3
    # a "net" that answers with its input x_t = a x_0 + b eps (no guess at all) carries the clean digits too
    copycat = lesson.guess(lambda x, t: x, sched, seed=0)
    assert copycat.facts["noise"] < g.facts["noise"] and copycat.facts["clean"] > 0.3 > abs(g.facts["clean"])
    j = lesson.one_jump(net, sched, seed=0)
    assert j.answer == "blur" and j.facts["m"] == pytest.approx(1 / math.sqrt(ddpm_alpha_bar(1000)), rel=1e-6)


def test_every_sampler_visits_only_the_trainings_levels(sched):
    out, rows = lesson.grids(sched)
    assert out.answer == "same" and len(rows["ddpm · 1000"]) == 1000
    assert all(0 <= t <= 999 for ts in rows.values() for t in ts) and len(rows["ddim · 20"]) == 20


def test_the_race_verdict_is_the_measured_ratio(sched):
    from diffusion_core.pretrained import load

    fast = {("ddim", 20): 10.4, ("ddpm", 1000): 10.0}
    assert lesson.race(load("digits"), sched, 0, fast, n=1).answer == "same"
    slow = {("ddim", 20): 40.0, ("ddpm", 1000): 10.0}
    out = lesson.race(load("digits"), sched, 0, slow, n=1)
    assert out.answer == "much_worse" and out.facts["ratio"] == pytest.approx(4.0)
    assert out.facts["ddpm_s"] > out.facts["ddim_s"]                 # 1000 calls take longer than 20


def test_a_prediction_not_offered_and_a_step_that_does_not_exist_are_refused(client):
    from gradio_client.exceptions import AppError

    for bad in ("nonsense", None, 3, ["even"]):
        with pytest.raises(AppError, match="Pick the answer you expect"):
            client.predict({"step": 1, "answers": {}}, bad, api_name="/lesson_check")
    for step in (-1, 99, 2.5e9, "two"):
        with pytest.raises(AppError):
            client.predict({"step": step, "answers": {}}, "even", api_name="/lesson_check")
    out = client.predict({"step": 1, "answers": {}}, "even", api_name="/lesson_check")
    assert "You predicted it" in out[5] and out[-1]["answers"] == {"dye": "even"}    # the app keeps serving
