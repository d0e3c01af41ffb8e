"""Flow matching beside diffusion on 2-D points (diffusion_core.lessons.points_flow) and the un-mix lab's handlers.

Every net here trains for a fixed number of batches (not seconds), so the figures are the same on any machine."""
import copy
import math
import re
import types

import gradio as gr
import numpy as np
import pytest
import torch

from diffusion_core.lessons import points
from diffusion_core.lessons import points_flow as pf
from diffusion_core.media.render import paths_picture
from diffusion_core.samplers import trailing
from diffusion_core.schedule import NoiseSchedule
from learner import request_in

BATCHES = 300
SCHEDULE = NoiseSchedule("linear")


@pytest.fixture(scope="module")
def lab() -> pf.Lab:
    """A diffusion net and a flow net, the same MLP trained on the heart for the same batches from the same seed."""
    mask = points.preset_mask("heart")
    data = points.sample_mask(mask, 5000, 0)
    nets = points.PointDenoiser(), points.PointDenoiser()
    for _ in points.train_points(nets[0], data, SCHEDULE, seconds=1e9, steps=BATCHES):
        pass
    for _ in pf.train_flow(nets[1], data, seconds=1e9, steps=BATCHES):
        pass
    return pf.Lab(nets[0], nets[1], mask, data)


def test_a_training_budget_of_batches_ends_there_whatever_the_clock():
    data = points.sample_mask(points.preset_mask("heart"), 500, 0)
    ticks = list(pf.train_flow(points.PointDenoiser(), data, seconds=1e9, steps=7, batch=32))
    assert ticks[-1].step == 7 and math.isfinite(ticks[-1].loss)


def test_the_flow_net_learns_to_carry_noise_into_the_shape(lab):
    x_T = pf.noise(1000, 1)
    untrained = pf.Lab(lab.diffusion, points.PointDenoiser(), lab.mask, lab.data)
    before = pf.score(untrained, pf.race("flow", untrained, SCHEDULE, x_T, 16)[-1])
    after = pf.score(lab, pf.race("flow", lab, SCHEDULE, x_T, 16)[-1])
    assert after.inside > before.inside + 0.3 and after.inside > 0.85, (before, after)
    assert 0.6 < after.spread < 1.2, after                 # spread out over the shape, not piled in one spot


def test_reflow_straightens_the_paths_and_one_step_then_lands_spread_out(lab):
    student, ticks = pf.reflow(lab.flow, seconds=1e9, seed=0, n=4000, steps=BATCHES)
    for _ in ticks:
        pass
    reflowed = pf.Lab(lab.diffusion, lab.flow, lab.mask, lab.data, reflowed=student)
    x_T = pf.noise(500, 1)
    bent = pf.straightness(pf.race("flow", reflowed, SCHEDULE, x_T, 32))
    straight = pf.straightness(pf.race("reflow", reflowed, SCHEDULE, x_T, 32))
    assert straight < 1.02 and straight < bent - 0.03, (bent, straight)
    one = {r: pf.score(reflowed, pf.race(r, reflowed, SCHEDULE, x_T, 1)[-1]) for r in ("flow", "reflow")}
    assert one["flow"].spread < 0.4 < 0.8 < one["reflow"].spread, one    # one flow step: all at the average point


def test_the_reflow_pairs_start_from_noise_the_pictures_never_use():
    z, _ = pf.reflow_pairs(points.PointDenoiser(), 64, seed=0, steps=1)
    shown = pf.noise(64, 0).reshape(64, 2).numpy()
    assert np.abs(z - shown).min() > 0 and abs(np.corrcoef(z[:, 0], shown[:, 0])[0, 1]) < 0.5


@pytest.mark.parametrize("steps", [4, 50])
def test_ddim_is_euler_on_the_probability_flow_ode_for_the_point_net(lab, steps):
    net = copy.deepcopy(lab.diffusion).double()
    x_T = pf.noise(256, 2, torch.float64)
    ddim = pf.paths("diffusion", net, SCHEDULE, x_T, steps)
    euler = pf.euler_paths(net, SCHEDULE, x_T, steps)
    assert ddim.dtype == np.float64 and ddim.shape == (steps + 1, 256, 2)
    assert np.abs(ddim - euler).max() <= 1e-5
    assert np.abs(ddim[-1] - ddim[0]).mean() > 0.5                  # and the particles did travel


def test_flow_levels_are_the_diffusion_timesteps_of_flows_noise_levels():
    ab = SCHEDULE.alphas_cumprod.double()
    for steps in (1, 4, 32):
        ts = pf.flow_levels(SCHEDULE, steps)
        assert ts[0] == SCHEDULE.num_steps - 1 and ts == sorted(ts, reverse=True) and len(ts) == steps
    for s, t in zip(np.linspace(1, 0, 5)[1:-1], pf.flow_levels(SCHEDULE, 4)[1:]):       # same signal-to-noise ratio
        assert math.sqrt(ab[t] / (1 - ab[t])) == pytest.approx((1 - s) / s, rel=0.02)
    assert pf.flow_levels(SCHEDULE, 4) != trailing(SCHEDULE, 4)


class ConstantNet(torch.nn.Module):
    """Answers the same 2-D vector everywhere (as eps or as v)."""

    def forward(self, x, t):
        return torch.tensor([0.3, -0.2], dtype=x.dtype).expand(len(x), 2).reshape(x.shape)


def test_the_arrows_are_where_each_ode_moves_particles():
    pos, arrows = pf.drift("flow", ConstantNet(), SCHEDULE, n=3)
    np.testing.assert_allclose(arrows, -np.tile([0.3, -0.2], (9, 1)), rtol=1e-6)       # flow moves along -v
    pos, arrows = pf.drift("diffusion", ConstantNet(), SCHEDULE, n=3)
    t = int(pf.snr1_time("diffusion", SCHEDULE))
    ab = float(SCHEDULE.alphas_cumprod[t])
    x_T = torch.from_numpy(pos).double().reshape(9, 2, 1, 1)
    # a tiny DDIM step from t towards the data moves each particle along the arrow
    from diffusion_core.samplers import euler
    step = next(euler(lambda x, t: ConstantNet()(x, t), SCHEDULE, x_T, [t, t - 1]))
    moved = (step.x_next - step.x_t).reshape(9, 2).numpy()
    cos = (moved * arrows).sum(1) / np.linalg.norm(moved, axis=1) / np.linalg.norm(arrows, axis=1)
    assert abs(ab - 0.5) < 0.01 and cos.min() > 0.999, cos


def test_spread_is_one_for_the_data_and_zero_for_a_pile():
    data = points.sample_mask(points.preset_mask("heart"), 4000, 0)
    assert points.spread(points.sample_mask(points.preset_mask("heart"), 4000, 1), data) == pytest.approx(1, abs=0.03)
    assert points.spread(np.tile(data.mean(0), (100, 1)), data) < 1e-6


def test_a_path_picture_draws_the_path_and_a_dot_where_it_ends():
    path = np.array([[[-2.0, 0.0]], [[0.0, 0.0]], [[2.0, 1.0]]])          # [steps + 1, 1 particle, 2]
    pic = paths_picture(path, extent=2.5, size=101, opacity=1.0)
    water = np.array([235, 244, 255])
    row = np.abs(pic[50].astype(int) - water).sum(1) > 60                     # y = 0: the first segment
    assert row[12:48].all() and not row[70:].any()
    end = pic[50 - 20, 50 + 40]                                                # (2, 1) in pixels
    assert tuple(end) == (178, 24, 43)
    assert (np.abs(pic[90].astype(int) - water).sum(1) < 5).all()             # below: untouched water


# --- the lab's handlers (ui.unmix_lab) --------------------------------------------------------------------------

def ctx():
    return types.SimpleNamespace(schedules={"linear": SCHEDULE})


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("args", [("heart", None, 1, 0, 0), ("heart", None, 1, 0, 33), ("heart", None, 1, 0, "x"),
                                  ("heart", None, 1, -1, 4), ("heart", None, 1, float("nan"), 4),
                                  ("heart", None, 0, 0, 4), ("heart", None, float("inf"), 0, 4)])
def test_the_lab_refuses_bad_input_in_the_learners_language(args, lang):
    from ui import unmix_lab

    with pytest.raises(gr.Error) as e:
        next(unmix_lab.train(ctx(), *args, request_in(lang)))
    chinese = any("\u4e00" <= c <= "\u9fff" for c in str(e.value))
    assert chinese == (lang == "zh-CN") and ("must" in str(e.value)) == (lang == "en"), str(e.value)


@pytest.mark.parametrize("steps", [0, 33, 2.5e9, float("nan"), "x", None])
def test_the_steps_slider_refuses_bad_steps(steps):
    from ui import unmix_lab

    with pytest.raises(gr.Error, match="ODE"):
        unmix_lab.redraw(ctx(), None, steps, request_in("en"))


def test_the_lab_asks_for_training_before_a_reflow_and_checks_its_steps_first():
    from ui import unmix_lab
    from ui.i18n import tr

    with pytest.raises(gr.Error, match=re.escape(tr("lab_need_train", "en"))):
        next(unmix_lab.reflow(ctx(), None, 4, request_in("en")))
    with pytest.raises(gr.Error, match="ODE"):
        next(unmix_lab.reflow(ctx(), None, float("nan"), request_in("en")))
    assert unmix_lab.redraw(ctx(), None, 4, request_in("en")) == (gr.skip(),) * 9


def test_the_lab_shows_what_it_measured(lab):
    from ui import unmix_lab

    st = unmix_lab.measured(unmix_lab.LabState(lab, 1.0, 0, {"diffusion": (BATCHES, 1.0), "flow": (BATCHES, 1.0)},
                                               {"diffusion": ([0.5], [0.2]), "flow": ([0.5], [0.6])}), ctx())
    pic_d, pic_f, pic_r, charts, table, overlay, note = unmix_lab.views(st, 4, ctx(), "en")
    assert pic_d.shape == pic_f.shape == (unmix_lab.PIC, unmix_lab.PIC, 3) and pic_r is None   # no reflow yet
    assert not np.array_equal(pic_d, pic_f)
    rows = [r for r in table.splitlines() if r.startswith("| ")][1:]
    assert [r.split("|")[1].strip() for r in rows] == ["diffusion, DDIM", "DDIM on flow's noise levels", "flow, Euler"]
    for r, run in ((rows[0], "ddim"), (rows[2], "flow")):                # the table's figures are the measured ones
        assert f"{st.bend[run]:.3f}" in r
    assert "as DDIM's (the same ODE)" in rows[1]
    gap = float(note.split("largest gap is ")[1].split(" ")[0])
    assert gap < 1e-6
    assert charts.count("<svg") == 2 and "DDIM on flow" in charts and "reflowed" not in charts
