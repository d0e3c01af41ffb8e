"""The SVG charts: every point drawn where its numbers say, no NaN reaching the browser, labels inside the box."""
import math
import re

import numpy as np
import pytest

from diffusion_core.paths import assets_dir
from ui import charts


def polylines(svg: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in pts.split()]
            for pts in re.findall(r'<polyline points="([^"]*)"', svg)]


def test_a_line_joins_the_points_its_series_has_and_skips_the_missing():
    xs = [0.0, 1.0, 2.0, 3.0]
    svg = charts.line_chart("t", xs, [("a", [1.0, math.nan, 3.0, 2.0]), ("b", [math.nan, 2.0, math.nan, math.nan])],
                            y_range=(0.0, 4.0))
    assert "nan" not in svg.lower()                                   # one NaN made a browser drop the whole line
    a, b = polylines(svg)
    assert len(a) == 3 and len(b) == 1
    alone = charts.line_chart("t", xs, [("a", [1.0, math.nan, 3.0, 2.0])], y_range=(0.0, 4.0))
    assert alone.count("<circle") == 0                       # one line: nothing to tell apart, no markers
    dotted = charts.line_chart("t", xs, [("a", [1.0, math.nan, 3.0, 2.0])], y_range=(0.0, 4.0), dots=True)
    assert dotted.count("<circle") == 3 + 1                  # a marker on each measured point, one in the legend
    # the point (x, y) lands where the axes say: x linear from the left edge, y from the bottom
    (x0, y0), (x2, y2) = a[0], a[1]
    assert x0 == charts.PAD_L
    assert math.isclose(x2, charts.PAD_L + 2 / 3 * (charts.W - charts.PAD_L - charts.PAD_R), abs_tol=0.05)
    plot_h = charts.H - charts.PAD_T - charts.PAD_B
    assert math.isclose(y0, charts.H - charts.PAD_B - plot_h / 4, abs_tol=0.05)
    assert math.isclose(y2, charts.H - charts.PAD_B - 3 * plot_h / 4, abs_tol=0.05)


def test_labelled_ticks_replace_the_default_numbers():
    svg = charts.line_chart("t", [math.log10(5), 3.0], [("a", [1.0, 2.0])], x_ticks=[(math.log10(5), "5"), (3.0, "1000")])
    labels = re.findall(r'text-anchor="middle" font-size="10" fill="currentColor">([^<]*)<', svg)
    assert labels == ["5", "1000"]


def test_timestep_rows_leave_room_for_their_longest_label():
    label = "DPM-Solver++(2M) · 20"
    svg = charts.timestep_rows("t", "alpha_bar", [0.0, 999.0], [1.0, 0.0], [(label, [0.0, 500.0]), ("DDIM · 5", [999.0])])
    m = re.search(rf'<text x="([\d.]+)"[^>]*>{re.escape(label)}</text>', svg.replace("&#x27;", "'"))
    right_edge = float(m.group(1))
    assert right_edge >= 0.5 * 9 * len(label), "at font size 9 a character is about half the size wide"
    ticks = re.findall(rf'<line x1="([\d.]+)" y1="(\d+)" x2="[\d.]+" y2="\d+" stroke="(?:{charts.COLORS[1]}|{charts.COLORS[2]})"', svg)
    assert min(float(x) for x, _ in ticks) > right_edge, "ticks start right of the labels"


def test_a_one_point_chart_is_drawn_not_divided_by_zero():
    """A one-step run has one timestep: the axis gets a width and the point sits in the middle."""
    svg = charts.line_chart("t", [0], [("t", [999.0])], y_range=(0.0, 1000.0), cursor=0)
    (pt,), = polylines(svg)
    assert math.isclose(pt[0], (charts.PAD_L + charts.W - charts.PAD_R) / 2, abs_tol=0.05)


def test_nice_top_is_the_next_round_axis_end():
    rng = __import__("random").Random(0)
    for v in [rng.uniform(-4, 4) for _ in range(500)] + [0, 1, 2, -1]:
        v = 10.0 ** v
        top = charts.nice_top(v)
        mantissa = top / 10.0 ** math.floor(math.log10(top) + 1e-12)
        assert v * (1 - 1e-9) <= top <= 2 * v * (1 + 1e-9), (v, top)      # covers v, never more than twice it
        assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5)), (v, top)
    assert [charts.nice_top(v) for v in (41.7, 20.0, 0.093, 2.1)] == [50, 20, 0.1, 2.5]


def test_the_legend_moves_off_a_line_that_runs_through_the_top_corner():
    def legend_y(ys):
        svg = charts.line_chart("t", list(range(10)), [("a", ys), ("b", ys)], y_range=(0.0, 1.0))
        return float(re.search(r'<rect x="[\d.]+" y="([\d.]+)"', svg).group(1))

    rising, falling = [i / 9 for i in range(10)], [1 - i / 9 for i in range(10)]
    assert legend_y(falling) < charts.H / 3, "a line low on the right leaves the legend at the top"
    assert legend_y(rising) > charts.H / 2, "a line rising into the top right corner pushes the legend down"
    sparse = charts.line_chart("t", [0, 9], [("a", [0.5, 1.0])], y_range=(0.0, 1.0))   # one segment, no vertex inside
    assert float(re.search(r'<rect x="[\d.]+" y="([\d.]+)"', sparse).group(1)) > charts.H / 2


def test_y_ticks_are_round_numbers_inside_the_range():
    for lo, hi in [(0, 1), (0, 1.14), (0, 1000), (0, 41.7), (-4, 4), (0.2, 0.9), (0, 0.093)]:
        ticks = charts.nice_ticks(lo, hi)
        assert 2 <= len(ticks) <= 5 and all(lo - 1e-9 <= v <= hi + 1e-9 for v in ticks), (lo, hi, ticks)
        step = ticks[1] - ticks[0]
        assert math.isclose(step, charts.nice_top(step)) and all(math.isclose(b - a, step) for a, b in zip(ticks, ticks[1:]))


def test_a_legend_with_no_free_corner_goes_under_the_axis_and_the_view_box_grows():
    xs = list(range(11))
    crowded = [("up", [i / 10 for i in xs]), ("down", [1 - i / 10 for i in xs]), ("mid", [0.5] * 11),
               ("top", [0.95] * 11), ("low", [0.05] * 11)]
    svg = charts.line_chart("t", xs, crowded, y_range=(0.0, 1.0))
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    rows = [float(v) for v in re.findall(r'<text x="[\d.]+" y="([\d.]+)" font-size="10" fill="currentColor" '
                                         r'paint-order', svg)]                 # the legend's entries
    assert len(rows) == 5 and min(rows) - 10 > charts.H and max(rows) + 1 <= height


def test_a_band_shades_its_y_range_under_the_lines():
    """A time expert's t range on the Denoise timeline: a rectangle spanning the plot's width from y = lo to hi,
    drawn before (under) the line, labelled; a range past the axis is cut at its end."""
    svg = charts.line_chart("t", [0.0, 1.0], [("a", [1000.0, 0.0])], y_range=(0.0, 1000.0),
                            y_bands=[(150.0, 649.0, "second net", "#f59e0b"), (900.0, 1200.0, "past the top", "#14b8a6")])
    rects = [dict(re.findall(r'(\w+)="([^"]*)"', r)) for r in re.findall(r'<rect [^>]*fill-opacity[^>]*>', svg)]
    assert len(rects) == 2 and [r["fill"] for r in rects] == ["#f59e0b", "#14b8a6"]
    plot_h = charts.H - charts.PAD_T - charts.PAD_B
    for r, (lo, hi) in zip(rects, ((150.0, 649.0), (900.0, 1000.0))):
        assert math.isclose(float(r["x"]), charts.PAD_L) and math.isclose(
            float(r["width"]), charts.W - charts.PAD_L - charts.PAD_R)
        assert math.isclose(float(r["y"]), charts.H - charts.PAD_B - hi / 1000 * plot_h, abs_tol=0.06)
        assert math.isclose(float(r["height"]), (hi - lo) / 1000 * plot_h, abs_tol=0.11)
    assert svg.index("second net") < svg.index("<polyline")
    assert "second net" in svg and "past the top" in svg


def test_a_point_past_the_top_is_marked_with_its_value_not_cut_off_silently():
    """The quality chart once capped Heun's 736 at 50 with no sign: a value past the axis' end is drawn at the end
    with a triangle pointing up and its own number written beside it; values inside the range get no marker."""
    svg = charts.line_chart("t", [0.0, 1.0, 2.0], [("a", [10.0, 736.0, 20.0]), ("b", [5.0, 58.3, 6.0])],
                            y_range=(0.0, 50.0))
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="9" fill="(#\w+)"[^>]*>([^<]*)</text>', svg)
    assert sorted(t for *_, t in labels) == ["58.3", "736"]
    assert {c for _, _, c, t in labels} == {charts.COLORS[0], charts.COLORS[1]}
    mid = charts.PAD_L + (charts.W - charts.PAD_L - charts.PAD_R) / 2
    tips = [[tuple(map(float, p.split(","))) for p in pts.split()] for pts in re.findall(r'<polygon points="([^"]*)"', svg)]
    assert len(tips) == 2
    for tri in tips:
        tip = min(tri, key=lambda p: p[1])
        assert math.isclose(tip[0], mid, abs_tol=0.05) and tip[1] == charts.PAD_T       # at the top, at its x
    rows = sorted(float(y) for _, y, *_ in labels)
    assert rows[1] - rows[0] >= 9, "two labels at one x are stacked, not drawn over each other"
    assert "<polygon" not in charts.line_chart("t", [0.0, 1.0], [("a", [10.0, 50.0])], y_range=(0.0, 50.0))


def test_the_quality_chart_shows_every_measured_point_at_its_own_height():
    """Every measured Frechet distance is inside the plot, and a larger distance is always drawn higher (the old
    chart drew 58, 98, 226 and 736 all at its top, 50)."""
    import json

    from ui import compare_tab
    from diffusion_core.samplers import SAMPLERS

    for key, name in (("teacher", "quality_vs_steps.json"), ("student", "quality_vs_steps_digits_student.json")):
        path = assets_dir() / name
        if not path.is_file():
            continue
        rows = json.loads(path.read_text())["rows"]
        values = [[r["frechet"] for r in sorted(rows, key=lambda r: r["nfe"]) if r["sampler"] == s] for s in SAMPLERS]
        lines = polylines(compare_tab.quality_chart("en", key))
        pairs = [(v, y) for vs, line in zip([v for v in values if v], lines) for v, (_, y) in zip(vs, line)]
        assert len(pairs) == len(rows)
        assert all(charts.PAD_T <= y <= charts.H - charts.PAD_B for _, y in pairs)
        pairs.sort()
        assert all(y1 > y2 for (v1, y1), (v2, y2) in zip(pairs, pairs[1:]) if v2 > v1 * 1.02), key


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_the_schedule_chart_says_where_signal_equals_noise(kind):
    """The Add-noise tab draws log SNR scaled to 0..1 beside alpha_bar; its legend says where signal = noise. By the
    closed form, SNR = alpha_bar / (1 - alpha_bar) is 1 where alpha_bar = 1/2: the scaled line must be at the
    legend's value there, in both languages, and above it before, below it after."""
    from diffusion_core.lessons import forward
    from diffusion_core.schedule import NoiseSchedule
    from ui.noise_tab import log_snr_label

    ks, curves = forward.schedule_curves(NoiseSchedule(kind, 1000))
    ab, snr = curves["alpha_bar"], curves["log_snr"]
    said = [float(re.search(r"(\d\.\d+)\s*[)）]$", log_snr_label(lang)).group(1)) for lang in ("en", "zh-CN")]
    assert said[0] == said[1]
    half = int(np.argmin(abs(ab - 0.5)))
    assert snr[half] == pytest.approx(said[0], abs=0.02)
    assert (snr[ab > 0.55] > said[0]).all() and (snr[ab < 0.45] < said[0]).all()
