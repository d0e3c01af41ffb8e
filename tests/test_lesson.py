"""The Lesson (issue 44): every experiment's verdict follows from what it measures, checked against the maths
done here independently; every learner question of the source lesson has its step; every step speaks both
languages; a prediction the step does not offer, or a step that does not exist, is refused in words."""
import math

import numpy as np
import pytest
import torch

from diffusion_core.lessons import lesson
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
    assert 8 <= len(lesson.STEPS) <= 12 and len(set(lesson.STEP_KEYS)) == len(lesson.STEPS)
    for s in lesson.STEPS:
        for part in ("title", "story", "q", "pics", "why", "how", "math", *s.choices):
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
    from diffusion_core.models.data import mnist_digits
    from diffusion_core.models.pretrained import load

    out = lesson.stones(load("digits"), sched, seed=0)
    assert out.answer == "exact" and out.facts["diff"] == 0
    assert np.array_equal(out.pictures[0], mnist_digits()[0][lesson.DIGIT])
    assert np.array_equal(out.pictures[2], out.pictures[0])          # rebuilt with the record: the same pixels
    assert not np.array_equal(out.pictures[3], out.pictures[0])      # by the model: a digit, not this one
    dye = lesson.dye_spread(seed=0)
    assert dye.answer == "even" and dye.facts["entropy"] >= 0.9


def test_the_net_answers_with_the_noise_and_one_jump_is_a_blur(sched):
    from diffusion_core.models.pretrained import load

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
    from diffusion_core.models.pretrained import load

    fast = {("ddim", 20): 10.4, ("ddpm", 1000): 10.0}
    *walk, out = lesson.race(load("digits"), sched, 0, fast, n=1)
    assert out.answer == "same"
    # while DDPM walks the learner sees it go: progress in order, DDIM's finished digit beside DDPM's x_t
    assert walk and all(isinstance(p, lesson.Progress) for p in walk) and walk[-1].total == 1000
    assert [p.done for p in walk] == sorted({p.done for p in walk}) and walk[-1].done < 1000
    assert all(np.array_equal(p.pictures[0], out.pictures[0]) for p in walk)
    slow = {("ddim", 20): 40.0, ("ddpm", 1000): 10.0}
    *_, out = lesson.race(load("digits"), sched, 0, slow, n=1)
    assert out.answer == "much_worse" and out.facts["ratio"] == pytest.approx(4.0)
    assert out.facts["ddpm_s"] > out.facts["ddim_s"]                 # 1000 calls take longer than 20


class LabelDeaf:
    """digits_cond told nothing: every label it gets becomes the null label, so guidance has nothing to mix."""

    def __init__(self, net):
        self.net = net
        self.num_classes, self.image_shape, self.device, self.schedule = (net.num_classes, net.image_shape,
                                                                          net.device, net.schedule)

    def eps(self, x, t, labels=None):                 # asked without a label too: the same null answer
        return self.net.eps(x, t, torch.full((len(x),), self.num_classes, dtype=torch.long))


def test_the_steer_verdict_follows_what_the_classifier_reads():
    from diffusion_core.models.pretrained import load

    net = load("digits_cond")
    out = lesson.steer(net, seed=0, weight=2.0)
    assert out.answer == "steered" and out.facts["guided"] >= 75 and out.facts["plain"] <= 50
    assert len(out.pictures) == 3 and out.facts["labelled"] >= out.facts["plain"]
    deaf = lesson.steer(LabelDeaf(net), seed=0, weight=2.0)          # the same noise, a net that cannot hear it
    assert deaf.answer == "unchanged" and deaf.facts["guided"] == deaf.facts["labelled"] == deaf.facts["plain"]
    assert np.array_equal(deaf.pictures[0], deaf.pictures[1]) and np.array_equal(deaf.pictures[0], deaf.pictures[2])


class ExactFlow:
    """The exact velocity of a data set that is one digit x*: x_s = (1 - s) x* + s eps gives v = (x_s - x*) / s."""

    image_shape, device, time_shift = (1, 28, 28), "cpu", 1.0

    def __init__(self, digit):
        self.digit = digit

    def __call__(self, x, t):
        s = (t / 999.0).view(-1, 1, 1, 1)
        return (x - self.digit) / s


def test_one_straight_step_lands_only_when_the_paths_are_straight():
    """With one digit as the whole data set every path is a straight line and one Euler step lands on it (a
    sharp digit); the net trained on 5,000 digits points at their average from pure noise: a blur."""
    from diffusion_core.models.data import mnist_digits, to_model_range
    from diffusion_core.models.pretrained import load

    digit = to_model_range(mnist_digits()[0][lesson.DIGIT:lesson.DIGIT + 1])       # [1, 1, 28, 28]
    exact = lesson.flow(ExactFlow(digit), seed=0)
    assert exact.answer == "digit" and exact.facts["one"] == pytest.approx(exact.facts["many"], rel=1e-3)
    assert exact.facts["one"] > 0.5
    trained = lesson.flow(load("digits_flow").unguided(), seed=0)          # the net alone, as the Lesson runs it
    assert trained.answer == "blur" and trained.facts["one"] < 0.5 < trained.facts["many"]


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


def test_the_score_counts_each_prediction_as_it_held(client):
    """A wrong prediction stays wrong in the score of every later step (a right one, right)."""
    wrong = client.predict({"step": 1, "answers": {}}, "drop", api_name="/lesson_check")[-1]     # the dye spreads
    assert wrong["right"] == {"dye": False}
    out = client.predict({**wrong, "step": 2}, "barely", api_name="/lesson_check")                # t = 500: barely
    assert "Predicted right so far: 1 of 2" in out[5] and out[-1]["right"] == {"dye": False, "jump": True}
    old = client.predict({"step": 2, "answers": {"dye": "drop"}}, "barely", api_name="/lesson_check")
    assert "1 of 1" in old[5]                 # progress kept before the score was: its unscored steps are not counted
