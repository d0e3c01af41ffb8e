"""Dye: random-walk statistics, the heat equation, entropy; the forward process and the live denoiser on points."""
import numpy as np
import pytest

from diffusion_core.lessons import dye, points
from diffusion_core.schedule import NoiseSchedule


def test_mean_squared_displacement_grows_linearly():
    """Before the walls matter, E|x_k - x_0|^2 = 2 * dims * (D dt) * k."""
    start = dye.release(0.5, 0.5, 40000, seed=0, radius=0.0)
    for k in (5, 10, 20):
        msd = ((dye.walk(start, k, seed=1) - start) ** 2).sum(1).mean()
        assert abs(msd / (4 * dye.D_DT * k) - 1) < 0.04, k


def test_walk_matches_the_heat_equation():
    """The particles' histogram converges to the exact zero-flux heat solution from the same blob."""
    pts = dye.walk(dye.release(0.3, 0.7, 200000, 0), 300, 0)
    emp = dye.concentration(pts, 12)
    exact = dye.heat(0.3, 0.7, 300, grid=48).reshape(12, 4, 12, 4).sum((1, 3))
    assert np.abs(emp - exact).max() < 0.1 * exact.max()
    assert abs(dye.heat(0.3, 0.7, 5000).std()) < 1e-4, "long after, the glass is even"


def test_entropy_rises_to_the_maximum_on_average():
    curves = np.array([dye.entropy_curve(0.2, 0.2, 2000, s, every=40)[1] for s in range(4)]).mean(0)
    assert np.all(np.diff(curves) > -0.005), "entropy does not fall on average"
    assert curves[0] < 0.3 and curves[-1] > 0.95


def test_forward_process_on_points_moments():
    s = NoiseSchedule("linear")
    x0 = np.tile([[0.6, -0.3]], (50000, 1))
    for k in (50, 300, 1000):
        xk = points.forward_points(x0, k, s, seed=k)
        ab = float(s.alpha_bar[k])
        assert np.allclose(xk.mean(0), np.sqrt(ab) * x0[0], atol=0.02)
        assert np.allclose(xk.var(0), 1 - ab, rtol=0.03)


@pytest.mark.parametrize("name", points.PRESETS)
def test_presets_are_shapes(name):
    m = points.preset_mask(name)
    assert m.shape == (points.MASK, points.MASK) and 0.03 < m.mean() < 0.6
    pts = points.sample_mask(m, 500, 0)
    assert points.inside_share(pts, m) == 1.0
    assert points.inside_share(np.random.default_rng(0).uniform(-1, 1, (500, 2)), m) < 0.8


def test_drawings_need_enough_ink():
    with pytest.raises(ValueError):
        points.mask_from_drawing(np.zeros((256, 256), np.uint8))
    ink = np.zeros((256, 256), np.uint8)
    ink[60:200, 100:140] = 255
    assert points.mask_from_drawing(ink).sum() > 100


def test_a_few_seconds_of_training_beats_no_training():
    s = NoiseSchedule("linear")
    m = points.preset_mask("heart")
    data = points.sample_mask(m, 5000, 0)
    shares = []
    for secs in (0.0, 4.0):
        model = points.PointDenoiser()
        if secs:
            ticks = list(points.train_points(model, data, s, seconds=secs))
            assert ticks[-1].loss < ticks[0].loss
        *_, (_, _, pts) = points.reverse_film(model, s, 1000, 50, seed=1)
        shares.append(points.inside_share(pts, m))
    assert shares[1] > shares[0] + 0.2, shares


def test_a_drop_in_one_spot_has_zero_entropy_not_minus_zero():
    h = dye.entropy(np.full((50, 2), 0.3))
    assert h == 0.0 and str(h) == "0.0" and f"{h:.3f}" == "0.000"


def test_training_ends_with_a_loss_even_when_the_last_report_emptied_the_window():
    s = NoiseSchedule("linear")
    data = points.sample_mask(points.preset_mask("heart"), 2000, 0)
    # report after every batch: the last tick always finds an empty window
    ticks = list(points.train_points(points.PointDenoiser(), data, s, seconds=0.3, report_every=0.0))
    assert len(ticks) >= 3 and all(np.isfinite(t.loss) for t in ticks), ticks[-3:]
    assert ticks[-1].loss == ticks[-2].loss and ticks[-1].step == ticks[-2].step


def test_the_reverse_film_can_be_resumed_on_a_new_thread_each_step():
    """A web server may run each step of a streaming handler on another worker thread (grad mode is per thread)."""
    import threading

    s = NoiseSchedule("linear")
    film = points.reverse_film(points.PointDenoiser(), s, 64, 4, seed=0)
    frames: list = []

    def one_step():
        try:
            frames.append(next(film, None))
        except Exception as e:               # noqa: BLE001 - reported below
            frames.append(e)

    while not frames or frames[-1] is not None:
        th = threading.Thread(target=one_step)
        th.start()
        th.join()
        assert not isinstance(frames[-1], Exception), frames[-1]
    assert len(frames) == 4 + 2 and frames[-2][2].shape == (64, 2)
