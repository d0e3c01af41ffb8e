"""Classifier-free guidance on 2-D points (diffusion_core.lessons.points_guidance) and the guidance lab's handlers.

The net trains for a fixed number of batches, so the figures are the same on any machine."""
import types

import gradio as gr
import numpy as np
import pytest
import torch

from diffusion_core.lessons import points
from diffusion_core.lessons import points_guidance as pg
from diffusion_core.schedule import NoiseSchedule
from learner import request_in

SCHEDULE = NoiseSchedule("linear")


@pytest.fixture(scope="module")
def trained():
    data, labels = pg.two_shapes(4000, 0)
    net = points.PointDenoiser(labels=len(pg.SHAPES))
    for _ in pg.train_labelled(net, data, labels, SCHEDULE, seconds=1e9, steps=1500):
        pass
    return net, data, labels


class Spy(points.PointDenoiser):
    """A labelled point net that keeps the labels it is trained on."""

    seen: list

    def forward(self, x, t, label=None):
        self.seen.append(label.clone())
        return super().forward(x, t, label)


def test_the_training_labels_are_dropped_to_the_null_label_at_the_recipes_rate():
    data, labels = pg.two_shapes(500, 0)
    net = Spy(labels=len(pg.SHAPES))
    net.seen = []
    for _ in pg.train_labelled(net, data, labels, SCHEDULE, seconds=1e9, steps=20, batch=512):
        pass
    seen = torch.cat(net.seen)
    null = (seen == pg.NULL).double().mean().item()
    sd = (pg.DROP * (1 - pg.DROP) / len(seen)) ** 0.5
    assert len(seen) == 20 * 512 and abs(null - pg.DROP) < 4 * sd, null
    assert set(seen.unique().tolist()) == {0, 1, pg.NULL}


def test_w_0_and_1_give_the_null_and_the_label_arrows(trained):
    net = trained[0]
    _, at0 = pg.guided_fields(net, SCHEDULE, 1, 0.0, n=5)
    _, at1 = pg.guided_fields(net, SCHEDULE, 1, 1.0, n=5)
    _, at3 = pg.guided_fields(net, SCHEDULE, 1, 3.0, n=5)
    np.testing.assert_allclose(at0["guided"], at0["null"], atol=1e-6)
    np.testing.assert_allclose(at1["guided"], at1["label"], atol=1e-6)
    np.testing.assert_allclose(at3["guided"], at3["null"] + 3 * (at3["label"] - at3["null"]), atol=1e-5)
    assert np.abs(at1["label"] - at1["null"]).mean() > 0.01          # the label does change the field


@pytest.mark.parametrize("label", [0, 1])
def test_the_label_steers_and_a_large_w_overshoots(trained, label):
    net, data, labels = trained
    curve = pg.scores_by_weight(net, SCHEDULE, label, pg.noise(500, 1), data[labels == label], weights=(0.0, 1.0, 8.0))
    inside = [s.inside for s in curve]
    assert inside[1] > inside[0] + 0.03, curve                 # the label puts more particles in its shape
    assert inside[2] < inside[1] - 0.1, curve                 # and a large w throws them past it


# --- the lab's handlers (ui.guide_lab) ---------------------------------------------------------------------------

def ctx():
    return types.SimpleNamespace(schedules={"linear": SCHEDULE})


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("args", [(1, 0, "heart", float("nan")), (1, 0, "heart", -1), (1, 0, "heart", 11),
                                  (1, 0, "heart", "x"), (1, 0, "cat", 3), (1, 0, None, 3), (0, 0, "heart", 3),
                                  (1, float("inf"), "heart", 3)])
def test_the_guidance_lab_refuses_bad_input_in_the_learners_language(args, lang):
    from ui import guide_lab

    with pytest.raises(gr.Error) as e:
        next(guide_lab.train(ctx(), *args, request_in(lang)))
    chinese = any("\u4e00" <= c <= "\u9fff" for c in str(e.value))
    assert chinese == (lang == "zh-CN"), str(e.value)


@pytest.mark.parametrize("label, w", [("heart", float("nan")), ("heart", 1e9), ("moons", 3), (3, 3)])
def test_the_w_slider_and_the_label_are_checked_before_anything_is_drawn(label, w):
    from ui import guide_lab

    with pytest.raises(gr.Error):
        guide_lab.redraw(ctx(), None, label, w, request_in("en"))
    assert guide_lab.redraw(ctx(), None, "kuo", 2.5, request_in("en")) == (gr.skip(),) * 7


def test_the_guidance_lab_shows_what_it_measured(trained):
    from ui import guide_lab

    net, data, labels = trained
    st = guide_lab.GuideState(net, data, labels, 0, (1500, 9.0))
    out = guide_lab.redraw(ctx(), st, "kuo", 8.0, request_in("en"))
    st2, _, pic_null, pic_label, pic_guided, chart, status = out
    assert 1 in st2.by_weight and pic_null.shape == (guide_lab.PIC, guide_lab.PIC, 3)
    assert not np.array_equal(pic_label, pic_guided)
    inside = st2.by_weight[1][pg.WEIGHTS.index(8.0)].inside
    assert f"{inside:.0%} of the particles inside the shape (the character 扩)" in status, status
    assert "share inside the chosen shape" in chart and chart.count("<polyline") == 2


@pytest.mark.parametrize("weight, label", [(0.0, 1), (2.0, None)])
def test_a_mix_of_the_null_answer_alone_is_the_null_labels_answer(trained, weight, label):
    """w = 0 (or no label): the mix is the unconditional answer alone, which LabelGuided asks without a label; the
    point net gives the null label's answer for it."""
    net = trained[0]
    x, t = torch.randn(64, 2, generator=torch.Generator().manual_seed(1)), torch.full((64,), 300.0)
    with torch.no_grad():
        want = net(x, t, torch.full((64,), pg.NULL))
    torch.testing.assert_close(pg._guided(net, label, weight)(x, t).eps, want)
