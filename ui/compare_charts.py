"""The Compare tab's charts: where each cell looks on the training schedule, and the measured quality against
network calls (from assets/quality_vs_steps*.json) with the notes that read it."""
from __future__ import annotations

import json
import math

from diffusion_core.lessons import compare
from diffusion_core.lessons.forward import schedule_curves
from diffusion_core.models.quality import steps_curve_file
from diffusion_core.schedule import NoiseSchedule

from . import charts
from .i18n import tr
from .nets import model_name

LOG_TICKS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)         # the quality chart's distance axis
# a colour for each method on the quality chart (the flow net's lines dashed as well)
METHOD_COLORS = dict(zip(compare.METHODS, charts.COLORS))
FLOW_NET = "digits_flow"        # the flow-matching net the "Flow · ..." cells race on, beside the picked diffusion net


def cell_label(name: str, steps: int) -> str:
    return f"{compare.METHODS[name].label} · {steps}"


def timesteps_chart(schedule: NoiseSchedule, cells: list[tuple[str, int]], lang: str, grid: str | None = None,
                    flow_shift: float = 1.0) -> str:
    """Each cell's noise levels as ticks on the training schedule's alpha-bar curve: a diffusion sampler's timesteps
    on ``grid`` (None: its own), a flow cell's s at the timestep of the same noise-to-signal ratio."""
    ks, curves = schedule_curves(schedule)
    rows = [(cell_label(n, s), compare.noise_levels(n, schedule, s, grid, flow_shift)) for n, s in cells]
    chart = charts.timestep_rows(tr("cmp_timesteps", lang), tr("cmp_alpha_bar", lang), ks.tolist(),
                                 curves["alpha_bar"].tolist(), rows, x_label="t")
    return chart + (small(tr("cmp_flow_levels", lang)) if any(compare.METHODS[n].flow for n, _ in cells) else "")


def quality_chart(lang: str, key: str = "teacher") -> str:
    """The measured quality-vs-NFE curves of the picked model ("teacher" or "student"), or a note that they are
    missing with the command that measures them."""
    name = model_name(key)
    path = steps_curve_file(name)
    if not path.is_file():
        return f"<p>{tr('cmp_quality_missing', lang, model=name, file=path.name)}</p>"
    data = json.loads(path.read_text(encoding="utf-8"))
    flow_path = steps_curve_file(FLOW_NET)             # the flow net's curve on the same chart, if measured
    flow_rows = json.loads(flow_path.read_text(encoding="utf-8"))["rows"] if flow_path.is_file() else []
    by = frechet_by_cell(data["rows"] + flow_rows)
    series, colors, dashes, xs_all = [], [], [], sorted({nfe for _, nfe in by})
    for name, method in compare.METHODS.items():
        pts = {nfe: f for (sampler, nfe), f in by.items() if sampler == name}
        if pts:
            series.append((method.label, [pts.get(x, float("nan")) for x in xs_all]))
            colors.append(METHOD_COLORS[name])
            dashes.append("6 3" if method.flow else "")
    # a sampler at 5 calls can be off by 100x (Heun's 3 steps): a log distance axis shows every point and keeps
    # "within 1.3x of DDPM" the same height anywhere on it
    values = [f for f in by.values() if f > 0]
    y_range = (math.log10(min(min(values), data["frechet_real"]) * 0.8), math.log10(charts.nice_top(max(values))))
    log_series = [(label, [math.log10(f) if f > 0 else float("nan") for f in ys]) for label, ys in series]
    y_ticks = [(math.log10(v), str(v)) for v in LOG_TICKS if y_range[0] <= math.log10(v) <= y_range[1]]
    log_x = [math.log10(x) for x in xs_all]
    ticks = [(math.log10(x), str(x)) for x in xs_all if x in (5, 10, 20, 50, 100, 1000)]   # not Heun's 9, 19, ...
    chart = charts.line_chart(tr("cmp_quality_title", lang), log_x, log_series, y_range=y_range, x_ticks=ticks,
                              y_ticks=y_ticks, x_label=tr("cmp_axis_nfe", lang), dots=True, colors=colors,
                              dashes=dashes, desc=charts.describe(xs_all, series, tr("cmp_axis_nfe", lang)))
    note = tr("cmp_quality_note", lang, who=tr(f"cmp_who_{key}", lang), n=data["n"], seed=data["seed"],
              when=data["when"], floor=data["frechet_real"])
    note += " " + tr("cmp_quality_log", lang, lo=min(values), hi=max(values))
    if flow_rows:
        note += " " + tr("cmp_quality_flow", lang)
    return chart + small(note) + claim_note(by, lang) + renoise_note(by, lang)


def small(text: str) -> str:
    """A footnote paragraph under a chart."""
    return f"<p style='font-size:0.85em'>{text}</p>"


def frechet_by_cell(rows: list[dict]) -> dict[tuple[str, int], float]:
    """The quality file's rows as {(sampler, network calls): Frechet distance}."""
    return {(r["sampler"], r["nfe"]): r["frechet"] for r in rows}


def claim_note(by: dict[tuple[str, int], float], lang: str) -> str:
    """DPM-Solver++ at 10 and 20 calls against DDPM at 1000 steps, and whether the paper's claim holds here."""
    ref, r10, r20 = by.get(("ddpm", 1000)), by.get(("dpmpp2m", 10)), by.get(("dpmpp2m", 20))
    if not (ref and r10 and r20):
        return ""
    met = r10 <= 1.3 * ref and r20 <= 1.1 * ref
    text = tr("cmp_quality_claim", lang, ref=ref, r10=r10, x10=r10 / ref, r20=r20, x20=r20 / ref,
              verdict=tr("cmp_claim_met" if met else "cmp_claim_missed", lang))
    return small(text)


def renoise_note(by: dict[tuple[str, int], float], lang: str) -> str:
    """DDPM (fresh noise every step) against DDIM (none) at the same step count, from the measured file."""
    both = [n for n in (20, 50, 10) if ("ddpm", n) in by and ("ddim", n) in by]
    if not both:
        return ""
    n = both[0]
    ddpm, ddim = by[("ddpm", n)], by[("ddim", n)]
    verdict = tr("cmp_renoise_helps" if ddpm < ddim else "cmp_renoise_not", lang)
    return small(tr("cmp_renoise", lang, n=n, ddpm=ddpm, ddim=ddim, verdict=verdict))
