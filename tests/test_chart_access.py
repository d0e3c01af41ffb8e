"""Charts for everyone (issue 47): colours that stay apart under colour-vision deficiencies and stand out on
white, lines told apart by marker shape as well as colour, and a name a screen reader reads with the numbers."""
import itertools
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from ui import charts

# Machado, Oliveira & Fernandes (2009), severity 1.0: linear-RGB matrices that simulate each deficiency
SIMULATE = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "typical": np.eye(3).tolist(),
}


def linear_rgb(hex_color: str) -> np.ndarray:
    c = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def cie_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear-RGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    f = xyz / np.array([0.9505, 1.0, 1.089])
    f = np.where(f > 0.008856, np.cbrt(f), 7.787 * f + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", SIMULATE)
def test_every_pair_of_line_colours_stays_apart_under_each_colour_vision(vision):
    m = np.array(SIMULATE[vision])
    seen = {c: cie_lab(m @ linear_rgb(c)) for c in charts.COLORS}
    closest = min((float(np.linalg.norm(seen[a] - seen[b])), a, b) for a, b in itertools.combinations(seen, 2))
    # Delta E 15 is far past "just noticeable" (about 2); the old palette's blue and purple were 5 apart for
    # deuteranopia
    assert closest[0] >= 15, f"{closest[1]} and {closest[2]} look alike under {vision} (Delta E {closest[0]:.1f})"


def test_every_line_colour_has_3_to_1_contrast_on_white():
    """WCAG 1.4.11: graphics a reader needs stand 3:1 against their background."""
    for c in charts.COLORS:
        luminance = float(np.array([0.2126, 0.7152, 0.0722]) @ linear_rgb(c))
        assert 1.05 / (luminance + 0.05) >= 3.0, c


def shape_of(e: ET.Element) -> str:
    """What a marker element looks like: circle, square, triangle up / down, diamond, or a stroke (/, \\, | or -)."""
    tag = e.tag.split("}")[1]
    if tag in ("circle", "rect"):
        return {"circle": "circle", "rect": "square"}[tag]
    if tag == "polygon":
        pts = [tuple(map(float, p.split(","))) for p in e.get("points").split()]
        if len(pts) == 4:
            return "diamond"
        return "triangle up" if pts[0][1] < pts[1][1] else "triangle down"
    x1, y1, x2, y2 = (float(e.get(k)) for k in ("x1", "y1", "x2", "y2"))
    return "|" if x1 == x2 else "-" if y1 == y2 else "/" if (x2 - x1) * (y2 - y1) < 0 else "\\"


def test_lines_differ_by_marker_shape_in_the_plot_and_in_the_legend():
    xs = list(range(40))
    series = [(f"s{i}", [0.1 * i + 0.02 * x for x in xs]) for i in range(len(charts.SHAPES))]
    root = ET.fromstring(charts.line_chart("t", xs, series, y_range=(0.0, 2.0)))     # well-formed SVG
    looks: dict[str, set] = {}                                 # colour -> the marker shapes drawn in it
    count: dict[str, int] = {}
    for e in root.iter():
        tag = e.tag.split("}")[1]
        color = e.get("stroke") if tag == "line" else e.get("fill")
        if color in charts.COLORS and tag in ("circle", "rect", "polygon", "line"):
            kind = shape_of(e)
            if not (tag == "line" and kind == "-" and float(e.get("x2")) - float(e.get("x1")) > 10):   # legend line
                looks.setdefault(color, set()).add(kind)
                count[color] = count.get(color, 0) + 1
    signatures = [frozenset(v) for v in looks.values()]
    assert len(looks) == len(charts.SHAPES) and len(set(signatures)) == len(charts.SHAPES), looks
    for color, n in count.items():             # a 40-point line: at most MARKS_PER_LINE markers, one in the legend
        strokes = 2 if looks[color] & {"|", "-", "/", "\\"} else 1
        assert 2 * strokes <= n <= (charts.MARKS_PER_LINE + 1) * strokes, (color, n)


def test_the_screen_reader_hears_the_title_and_each_lines_numbers():
    svg = charts.line_chart("Signal and noise", [1, 500, 1000], [("signal", [0.99, 0.28, 0.006]),
                                                                 ("noise", [0.1, 0.96, 1.0])],
                            x_label="t", cursor=250)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    name = root.get("aria-label")
    assert name.startswith("Signal and noise. ")
    assert "signal: 0.99 (t 1) → 0.006 (t 1000)" in name and "noise: 0.1 (t 1) → 1 (t 1000)" in name
    assert "▏t 250" in name
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(ns + "title").text == "Signal and noise" and "signal" in root.find(ns + "desc").text


def test_a_histogram_and_the_timestep_rows_describe_their_data():
    h = charts.histogram("x_t", [0.1, 0.4, 0.1], [-1.5, -0.5, 0.5, 1.5], [(-1.0, 0.24), (0.0, 0.399), (1.0, 0.24)],
                         ("pixels", "N(0, 1)"))
    assert "pixels: 0.4 (0)" in ET.fromstring(h).get("aria-label")
    rows = charts.timestep_rows("grid", "alpha_bar", [0.0, 999.0], [1.0, 0.0], [("DDIM · 3", [999.0, 666.0, 333.0])])
    assert "DDIM · 3: 999, 666, 333" in ET.fromstring(rows).get("aria-label")
