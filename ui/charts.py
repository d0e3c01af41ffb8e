"""Small SVG charts for live views: drawn in well under a millisecond, crisp at any size, and
labelled by the browser's own fonts (so Chinese labels need no font on the server).
Matplotlib draws the exported PNGs instead (see diffusion_core.media.plots)."""
from __future__ import annotations

import html
import math
from typing import Sequence

W, H = 420, 220                     # view box
PAD_L, PAD_R, PAD_T, PAD_B = 40, 12, 28, 30
# Okabe & Ito's colour-blind-safe palette (2008) and three more: every pair stays apart under simulated protanopia,
# deuteranopia and tritanopia, and every colour keeps 3:1 against white (tests/test_charts.py checks both). Lines
# also differ by their marker shapes (SHAPES), never by colour alone.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8C19FF", "#803000")
SHAPES = ("circle", "square", "triangle", "diamond", "down", "cross", "plus")
MARKS_PER_LINE = 8                  # markers drawn along a long line (every measured point with ``dots``)
BAND_COLORS = ("#f59e0b", "#14b8a6", "#a855f7")                      # shaded y bands, light under the lines


def _span(lo: float, hi: float) -> tuple[float, float]:
    """An axis range that is never empty (one point, e.g. a one-step run, sits in the middle)."""
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


def _round_values(v: float) -> list[float]:
    """1, 2, 2.5, 5 and 10 times the power of ten at or below v > 0: the round values around it."""
    base = 10.0 ** math.floor(math.log10(v))
    return [m * base for m in (1, 2, 2.5, 5, 10)]


def nice_top(v: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= v > 0: an axis end whose half is round too."""
    return min(r for r in _round_values(v) if r >= v * (1 - 1e-9))


def nice_ticks(lo: float, hi: float) -> list[float]:
    """Two to five round values in [lo, hi]: the multiples of the largest round step up to half the range."""
    half = (hi - lo) / 2
    step = max(r for r in _round_values(half) if r <= half * (1 + 1e-9))
    first = math.ceil(lo / step - 1e-9)
    return [round(k * step, 12) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def _clamp(v: float, lo: float, hi: float) -> float:
    """v held inside [lo, hi]: what an axis cannot show is drawn at its end."""
    return min(max(v, lo), hi)


def _x(v: float, lo: float, hi: float, left: float = PAD_L) -> float:
    return left + (v - lo) / (hi - lo) * (W - left - PAD_R)


def _y(v: float, lo: float, hi: float) -> float:
    return H - PAD_B - (v - lo) / (hi - lo) * (H - PAD_T - PAD_B)


def _num(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}"


# Latin and Greek from a Latin face first (a CJK face draws ᾱ's bar beside the letter and "·" full width), Chinese
# from the system's CJK face after it
FONTS = "Arial, Helvetica, &quot;DejaVu Sans&quot;, &quot;Noto Sans&quot;, sans-serif"


def _frame(title: str, x_range: tuple[float, float], y_range: tuple[float, float], x_label: str = "",
           x_ticks: Sequence[tuple[float, str]] = (), left: float = PAD_L,
           y_ticks: Sequence[tuple[float, str]] = (), desc: str = "") -> list[str]:
    """Title, axes and tick labels; ``x_ticks`` / ``y_ticks`` (value, label) replace the default x and y ticks
    (e.g. for a log axis: value log10(v), label v); ``left``: the room left of the plot for labels. A screen
    reader reads the title and ``desc`` (what the lines show, in numbers) as the chart's name (role img)."""
    (x0, x1), (y0, y1) = x_range, y_range
    x_ticks = x_ticks or [(v, _num(v)) for v in (x0, (x0 + x1) / 2, x1)]
    y_ticks = y_ticks or [(v, _num(v)) for v in nice_ticks(y0, y1)]
    name = f"{title}. {desc}" if desc else title
    parts = [f'<svg viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="{html.escape(name)}" style="width:100%;max-width:{W * 1.4:.0f}px;font-family:{FONTS}">',
             f'<title>{html.escape(title)}</title><desc>{html.escape(desc)}</desc>',
             f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="13" fill="currentColor">{html.escape(title)}</text>',
             f'<line x1="{left}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#888"/>',
             f'<line x1="{left}" y1="{PAD_T}" x2="{left}" y2="{H - PAD_B}" stroke="#888"/>']
    for v, label in x_ticks:
        parts.append(f'<text x="{_x(v, x0, x1, left):.1f}" y="{H - PAD_B + 14}" text-anchor="middle" font-size="10" '
                     f'fill="currentColor">{html.escape(label)}</text>')
    for v, label in y_ticks:
        parts.append(f'<text x="{left - 4}" y="{_y(v, y0, y1) + 3:.1f}" text-anchor="end" font-size="10" '
                     f'fill="currentColor">{html.escape(label)}</text>')
    if x_label:
        parts.append(f'<text x="{W - PAD_R}" y="{H - 4}" text-anchor="end" font-size="11" '
                     f'fill="currentColor">{html.escape(x_label)}</text>')
    return parts


def _text_width(text: str, size: float = 10) -> float:
    """Roughly how wide a label draws: CJK characters are square, Latin ones a little over half as wide."""
    return sum(size if ord(c) >= 0x2E80 else 0.56 * size for c in text)


def _marker(shape: str, x: float, y: float, color: str, r: float = 3.0) -> str:
    """A point marker: one of SHAPES centred on (x, y), about 2r across."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{color}"/>'
    if shape in ("cross", "plus"):
        a = (r, r) if shape == "cross" else (r * 1.3, 0.0)
        b = (r, -r) if shape == "cross" else (0.0, r * 1.3)
        return "".join(f'<line x1="{x - dx:.1f}" y1="{y - dy:.1f}" x2="{x + dx:.1f}" y2="{y + dy:.1f}" '
                       f'stroke="{color}" stroke-width="2"/>' for dx, dy in (a, b))
    corners = {"triangle": ((0, -1.3), (1.2, 1), (-1.2, 1)), "down": ((0, 1.3), (1.2, -1), (-1.2, -1)),
               "diamond": ((0, -1.4), (1.4, 0), (0, 1.4), (-1.4, 0))}[shape]
    pts = " ".join(f"{x + r * cx:.1f},{y + r * cy:.1f}" for cx, cy in corners)
    return f'<polygon points="{pts}" fill="{color}"/>'


def _legend(labels: Sequence[str], colors: Sequence[str],
            avoid: Sequence[tuple[float, float]] = (), shapes: Sequence[str] = (),
            dashes: Sequence[str] = ()) -> tuple[list[str], float]:
    """One legend entry per line, on a translucent backing so lines stay readable: top right, or the first
    of bottom right, top middle and bottom middle that the points ``avoid`` (pixels) leave free, or else
    under the x axis (below the view box: see ``_with_legend``). Returns the SVG parts and their lowest y.
    With ``shapes`` an entry's swatch is a short line (in its ``dashes`` pattern) through its marker."""
    swatch = 20 if shapes else 10
    width, height = swatch + 8 + max((_text_width(t) for t in labels), default=0), 13 * len(labels)
    right, middle = W - PAD_R - width, (PAD_L + W - PAD_R - width) / 2
    top, bottom = PAD_T + 2, H - PAD_B - 6 - height

    def free(x: float, y: float) -> bool:
        return not any(x - 4 <= px <= x + width and y - 4 <= py <= y + height + 2 for px, py in avoid)

    x, y = next(((x, y) for x, y in ((right, top), (right, bottom), (middle, top), (middle, bottom)) if free(x, y)),
                (max(2.0, right), H + 2))                   # under the axis: from the left edge at most
    out = []
    for i, (label, color) in enumerate(zip(labels, colors)):
        row = y + 13 * i
        if shapes:
            dash = f' stroke-dasharray="{dashes[i]}"' if i < len(dashes) and dashes[i] else ""
            out.append(f'<line x1="{x:.1f}" y1="{row + 5}" x2="{x + swatch:.1f}" y2="{row + 5}" stroke="{color}" '
                       f'stroke-width="2"{dash}/>' + _marker(shapes[i], x + swatch / 2, row + 5, color))
        else:
            out.append(f'<rect x="{x:.1f}" y="{row}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + swatch + 4:.1f}" y="{row + 9}" font-size="10" fill="currentColor" '
                   f'paint-order="stroke" stroke="#fff8" stroke-width="3">{html.escape(label)}</text>')
    return out, y + height


def legend(labels: Sequence[str], colors: Sequence[str] = COLORS) -> str:
    """A chart's legend as SVG at its usual place, top right (for charts the page draws, e.g. forward_view.js)."""
    return "".join(_legend(labels, colors)[0])


def line_chart(title: str, xs: Sequence[float], series: Sequence[tuple[str, Sequence[float]]],
               y_range: tuple[float, float] = (0.0, 1.0), cursor: float | None = None, x_label: str = "",
               markers: Sequence[float] = (), x_ticks: Sequence[tuple[float, str]] = (), dots: bool = False,
               y_bands: Sequence[tuple[float, float, str, str]] = (), y_ticks: Sequence[tuple[float, str]] = (),
               colors: Sequence[str] = COLORS, dashes: Sequence[str] = (), desc: str | None = None) -> str:
    """Lines over a shared x axis (a series' NaN values are skipped: it joins the points it has), an optional
    vertical cursor, optional tick marks on the x axis, optional labelled x and y ticks (value, label), with
    ``dots`` a marker on every measured point, and shaded horizontal bands (y from, y to, label, colour) under the lines.
    A point past the y range is drawn at the axis' end with a marker and its value (never cut off silently).
    ``colors``: one a series (so a series keeps its colour across charts that show different sets); ``dashes``: an
    SVG stroke-dasharray a series ("" solid). With two or more series each has its own marker shape (SHAPES, also
    in the legend), so lines differ by more than colour. A screen reader is told ``desc``, by default each line's first
    and last point (``describe``; a chart drawn on log axes passes the description of its values)."""
    x_range, y_range = _span(float(xs[0]), float(xs[-1])), _span(*y_range)
    shapes = SHAPES if len(series) > 1 or dots else ()
    desc = describe(xs, series, x_label, cursor) if desc is None else desc
    parts, drawn = _frame(title, x_range, y_range, x_label, x_ticks, y_ticks=y_ticks, desc=desc), []
    for lo, hi, label, color in y_bands:
        top, bottom = (_y(_clamp(v, *y_range), *y_range) for v in (hi, lo))
        parts.append(f'<rect x="{PAD_L}" y="{top:.1f}" width="{W - PAD_L - PAD_R}" height="{bottom - top:.1f}" '
                     f'fill="{color}" fill-opacity="0.15"/><text x="{PAD_L + 4}" y="{top + 11:.1f}" font-size="10" '
                     f'fill="currentColor">{html.escape(label)}</text>')
    beyond = [(_x(x, *x_range), y, color) for (_, ys), color in zip(series, colors)
              for x, y in zip(xs, ys) if math.isfinite(y) and not y_range[0] <= y <= y_range[1]]
    for i, ((label, ys), color) in enumerate(zip(series, colors)):
        dash = f' stroke-dasharray="{dashes[i]}"' if i < len(dashes) and dashes[i] else ""
        pts = [(_x(x, *x_range), _y(_clamp(y, *y_range), *y_range))
               for x, y in zip(xs, ys) if math.isfinite(y)]
        drawn += [(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)          # along each segment
                  for a, b in zip(pts, pts[1:]) for f in (0.0, 0.25, 0.5, 0.75)] + pts[-1:]
        parts.append(f'<polyline points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in pts)}" fill="none" '
                     f'stroke="{color}" stroke-width="2"{dash}/>')
        if shapes:      # every point with dots, else at most MARKS_PER_LINE spread along the line
            every = 1 if dots else max(1, math.ceil(len(pts) / MARKS_PER_LINE))
            parts += [f'<g class="point">{_marker(shapes[i % len(shapes)], px, py, color)}</g>'
                      for px, py in pts[::every]]
    for m in markers:
        mx = _x(m, *x_range)
        parts.append(f'<line x1="{mx:.1f}" y1="{H - PAD_B - 6}" x2="{mx:.1f}" y2="{H - PAD_B}" stroke="#111" stroke-width="1.5"/>')
    marks, marked = _off_scale_marks(beyond, y_range)
    legend = _legend([s[0] for s in series], colors, drawn + marked,
                     [shapes[i % len(shapes)] for i in range(len(series))] if shapes else (), dashes)
    svg = _with_legend(parts + marks, legend)
    return svg if cursor is None else add_cursor(svg, cursor, x_range)


def describe(xs: Sequence[float], series: Sequence[tuple[str, Sequence[float]]], x_label: str = "",
             cursor: float | None = None) -> str:
    """What a line chart shows, in numbers and arrows only (no words to translate): each line's first and last
    measured point, "label: y (x) → y (x)", and the cursor's x, "▏x"."""
    out = []
    for label, ys in series:
        pts = [(x, y) for x, y in zip(xs, ys) if math.isfinite(y)]
        if pts:
            (x0, y0), (x1, y1) = pts[0], pts[-1]
            out.append(f"{label}: {_num(y0)} ({x_label} {_num(x0)}) → {_num(y1)} ({x_label} {_num(x1)})"
                       .replace("( ", "("))
    if cursor is not None:
        out.append(f"▏{x_label} {_num(cursor)}".replace("▏ ", "▏"))
    return "; ".join(out)


def _off_scale_marks(points: Sequence[tuple[float, float, str]],
                     y_range: tuple[float, float]) -> tuple[list[str], list[tuple[float, float]]]:
    """Points (x pixel, value, colour) past the y axis' ends, whose lines stop at the end: a triangle on that end
    pointing the way the value lies, with the value written beside it (in rows where labels would overlap), so no
    value is cut off silently. Returns the SVG parts and the pixels they cover (for the legend to avoid)."""
    parts, covered, rows = [], [], []                    # rows: per row, the right end of its last label
    for px, v, color in sorted(points):
        up = v > y_range[1]
        edge, sign = (PAD_T, 1) if up else (H - PAD_B, -1)      # sign: from the edge into the plot
        tip, base = edge, edge + sign * 7
        parts.append(f'<polygon points="{px - 4:.1f},{base} {px + 4:.1f},{base} {px:.1f},{tip}" fill="{color}"/>')
        text, left = _num(v), px + 5
        row = next((i for i, end in enumerate(rows) if end < left), len(rows))
        rows[row:row + 1] = [left + _text_width(text, 9)]
        ty = edge + sign * (8 + 10 * row) + (3 if up else 0)
        parts.append(f'<text x="{left:.1f}" y="{ty:.1f}" font-size="9" fill="{color}" paint-order="stroke" '
                     f'stroke="#fff8" stroke-width="3">{html.escape(text)}</text>')
        covered += [(px, edge), (rows[row], ty)]
    return parts, covered


def _with_legend(parts: list[str], legend: tuple[list[str], float]) -> str:
    """The chart's SVG with its legend, the view box grown to hold a legend placed under the x axis."""
    entries, bottom = legend
    if bottom > H:
        parts = [parts[0].replace(f'viewBox="0 0 {W} {H}"', f'viewBox="0 0 {W} {bottom + 2:.0f}"'), *parts[1:]]
    return "".join(parts + entries) + "</svg>"


def add_cursor(svg: str, cursor: float, x_range: tuple[float, float]) -> str:
    """A chart with a vertical dashed line at x = cursor (x_range: the chart's x axis), drawn last."""
    cx = _x(_clamp(cursor, *x_range), *x_range)
    line = f'<line x1="{cx:.1f}" y1="{PAD_T}" x2="{cx:.1f}" y2="{H - PAD_B}" stroke="#111" stroke-dasharray="4 3"/>'
    return svg[:-len("</svg>")] + line + "</svg>"


def histogram(title: str, density: Sequence[float], edges: Sequence[float], curve: Sequence[tuple[float, float]],
              labels: tuple[str, str], caption: str = "") -> str:
    """A density histogram (bars) with a reference curve drawn over it."""
    x_range = _span(float(edges[0]), float(edges[-1]))
    y_range = (0.0, max(0.45, max(density, default=0.0) * 1.1))
    peak = max(range(len(density)), key=density.__getitem__, default=0)
    top = max(curve, key=lambda p: p[1], default=(0.0, 0.0))
    desc = (f"{labels[0]}: {_num(density[peak]) if density else '-'} ({_num((edges[peak] + edges[peak + 1]) / 2)}); "
            f"{labels[1]}: {_num(top[1])} ({_num(top[0])})")                   # each one's highest point (x)
    parts = _frame(title, x_range, y_range, caption, desc=desc)
    for d, a, b in zip(density, edges[:-1], edges[1:]):
        xa, xb, y = _x(a, *x_range), _x(b, *x_range), _y(min(d, y_range[1]), *y_range)
        parts.append(f'<rect x="{xa:.1f}" y="{y:.1f}" width="{max(xb - xa - 0.5, 0.5):.1f}" '
                     f'height="{H - PAD_B - y:.1f}" fill="{COLORS[0]}" fill-opacity="0.55"/>')
    pts = " ".join(f"{_x(x, *x_range):.1f},{_y(y, *y_range):.1f}" for x, y in curve)
    parts.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[1]}" stroke-width="2"/>')
    parts += _legend(labels, (COLORS[0], COLORS[1]))[0]
    return "".join(parts) + "</svg>"


def weight_bars(items: Sequence[tuple[str, float]]) -> str:
    """Horizontal bars for numbers in [0, 1], each with its label and value."""
    rows = []
    for (label, value), color in zip(items, COLORS):
        pct = max(0.0, min(1.0, value)) * 100
        rows.append(f'<div style="display:flex;align-items:center;gap:8px;margin:4px 0">'
                    f'<span style="width:9.5em;font-size:0.9em">{html.escape(label)}</span>'
                    f'<span style="flex:1;background:#8882;border-radius:4px;height:14px">'
                    f'<span style="display:block;width:{pct:.1f}%;height:14px;background:{color};border-radius:4px"></span></span>'
                    f'<code style="width:4.5em;text-align:right">{value:.4f}</code></div>')
    return "".join(rows)


def timestep_rows(title: str, curve_label: str, xs: Sequence[float], ys: Sequence[float],
                  rows: Sequence[tuple[str, Sequence[float]]], x_label: str = "") -> str:
    """A curve over t (e.g. alpha_bar) with, under it, one row of ticks per sampler at the timesteps it visits."""
    row_h, top_h = 16, H
    height = top_h + row_h * len(rows) + 6
    left = max(PAD_L, 12 + 5.5 * max((len(label) for label, _ in rows), default=0))   # room for the row labels
    x_range = _span(float(xs[0]), float(xs[-1]))
    desc = "; ".join(f"{label}: {', '.join(_num(t) for t in ts)}" for label, ts in rows)   # the steps each visits
    parts = _frame(title, x_range, (0.0, 1.0), x_label, left=left, desc=desc)
    parts[0] = parts[0].replace(f'viewBox="0 0 {W} {H}"', f'viewBox="0 0 {W} {height}"')
    pts = " ".join(f"{_x(x, *x_range, left):.1f},{_y(y, 0.0, 1.0):.1f}" for x, y in zip(xs, ys))
    parts.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[0]}" stroke-width="2"/>')
    parts += _legend([curve_label], COLORS[:1])[0]
    for i, (label, ts) in enumerate(rows):
        y = top_h + row_h * i + 4
        color = COLORS[(i + 1) % len(COLORS)]
        parts.append(f'<text x="{left - 8}" y="{y + 9}" text-anchor="end" font-size="9" '
                     f'fill="currentColor">{html.escape(label)}</text>')
        for t in ts:
            tx = _x(_clamp(t, *x_range), *x_range, left)
            parts.append(f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 11}" stroke="{color}" stroke-width="1"/>')
    return "".join(parts) + "</svg>"
