"""The race of samplers: same x_T everywhere, NFE counted by a wrapper, cells parsed strictly."""
import json
import os

import pytest
import torch

from diffusion_core.lessons import compare
from diffusion_core.samplers import SAMPLERS
from diffusion_core.schedule import NoiseSchedule
from toy import MixtureDenoiser

SCHEDULE = NoiseSchedule("linear")


def test_every_cell_starts_from_the_same_noise_and_counts_calls():
    seen_first_inputs = []

    def model(x, t):
        if float(t[0]) >= 998.5:              # the first call of every sampler sees x_T (or x_T scaled)
            seen_first_inputs.append(x.clone())
        return MixtureDenoiser(SCHEDULE.alphas_cumprod)(x, t)

    def velocity(x, t):                       # the flow cells' net: its first call (s = 1, t = 999) sees x_T itself
        if float(t[0]) >= 998.5:
            seen_first_inputs.append(x.clone())
        return x - 0.5 * x.mean()

    cells = [("ddpm", 4), ("ddim", 3), ("euler", 3), ("heun", 3), ("dpmpp2m", 3), ("flow_euler", 3), ("flow_heun", 3)]
    results = [e.result for e in compare.race(model, SCHEDULE, cells, seed=5, n=2, shape=(1, 4, 4),
                                              flow_model=velocity) if e.result]
    assert [(r.sampler, r.steps) for r in results] == cells
    for r in results:
        want = 2 * r.steps - 1 if r.sampler.endswith("heun") else r.steps       # Heun's last step is plain Euler
        assert r.nfe == compare.METHODS[r.sampler].nfe(r.steps) == want
        assert r.digits.shape == (2, 4, 4) and r.digits.dtype.name == "uint8"
    # the Karras samplers feed x_T / sqrt(1 + sigma^2) * sqrt(1 + sigma^2) = x_T to the network: all equal
    assert len(seen_first_inputs) == len(cells)
    for x in seen_first_inputs[1:]:
        assert torch.allclose(x, seen_first_inputs[0], atol=1e-5)


def test_a_flow_cell_runs_the_flow_solver_on_the_flow_net_only():
    """A flow cell integrates dx/ds = v on the straight path (here the exact velocity of a point mass at 0.25, so
    one Euler step lands on it) and never calls the diffusion net; without a flow net it is refused."""
    def diffusion_net(x, t):
        raise AssertionError("a flow cell called the diffusion net")

    def exact(x, t):                           # x_s = (1 - s) 0.25 + s eps  =>  v = (x_s - 0.25) / s
        s = t.reshape(-1, 1, 1, 1) / 999.0
        return (x - 0.25) / s

    (r,) = [e.result for e in compare.race(diffusion_net, SCHEDULE, [("flow_euler", 1)], seed=0, n=3,
                                           shape=(1, 2, 2), flow_model=exact) if e.result]
    assert r.nfe == 1 and (abs(r.digits.astype(int) - round((0.25 + 1) / 2 * 255)) <= 1).all()
    assert compare.timesteps("flow_euler", SCHEDULE, 4) == [999.0, 749.25, 499.5, 249.75]
    with pytest.raises(ValueError, match="flow"):
        list(compare.race(diffusion_net, SCHEDULE, [("flow_heun", 2)], seed=0, n=1, shape=(1, 2, 2)))


def test_on_one_grid_ddim_and_euler_are_one_method():
    """Race the solvers on the same grid and DDIM's digits are Euler's (DDIM is the Euler method of the
    probability-flow ODE); each on its own grid they differ. Heun and DPM-Solver++ still differ on the same grid:
    they are other methods, not other grids."""
    toy = MixtureDenoiser(SCHEDULE.alphas_cumprod)
    cells = [("ddim", 8), ("euler", 8), ("heun", 8), ("dpmpp2m", 8)]

    def digits(grid):
        runs = compare.race(toy, SCHEDULE, cells, seed=3, n=64, shape=(1, 4, 4), grid=grid)
        return {e.result.sampler: e.result.digits.astype(int) for e in runs if e.result}

    for grid in ("trailing", "karras"):
        same = digits(grid)
        assert abs(same["ddim"] - same["euler"]).max() <= 1, grid
        assert abs(same["ddim"] - same["heun"]).max() > 2 and abs(same["ddim"] - same["dpmpp2m"]).max() > 2, grid
    own = digits(None)
    assert abs(own["ddim"] - own["euler"]).max() > 2
    assert compare.timesteps("euler", SCHEDULE, 8, "trailing") == compare.timesteps("ddim", SCHEDULE, 8)


def test_a_flow_cell_is_drawn_at_the_noise_level_it_visits():
    """On the schedule chart a flow cell's s sits at the diffusion timestep of the same noise-to-signal ratio:
    sigma = s / (1 - s) = sqrt(1 - ab_t) / sqrt(ab_t); its shifted grid moves those levels towards the noise."""
    ab = SCHEDULE.alphas_cumprod.double()
    for shift in (1.0, 3.0):
        s_grid = compare.shifted_grid(4, shift)[:-1]
        levels = compare.noise_levels("flow_euler", SCHEDULE, 4, flow_shift=shift)
        assert levels[0] == 999.0 and levels == sorted(levels, reverse=True)
        for s, t in zip(s_grid[1:], levels[1:]):
            lo = int(t)
            sigma = ((1 - ab[lo]) / ab[lo]).sqrt().item()
            assert sigma == pytest.approx(s / (1 - s), rel=0.05)
    assert compare.noise_levels("flow_euler", SCHEDULE, 4, flow_shift=3.0)[1] > \
        compare.noise_levels("flow_euler", SCHEDULE, 4)[1]


def test_progress_events_for_long_cells():
    toy = MixtureDenoiser(SCHEDULE.alphas_cumprod)
    events = list(compare.race(toy, SCHEDULE, [("ddpm", 120)], seed=0, n=1, shape=(1, 2, 2), report_every=50))
    assert [(e.step, e.result is None) for e in events] == [(50, True), (100, True), (120, False)]


@pytest.mark.parametrize("bad", ["ddim", "ddim:0", "ddim:1001", "nope:5", "ddim:-3", "ddim:5.5", "", "flow:5",
                                 "flow_euler:0"])
def test_parse_cell_rejects(bad):
    with pytest.raises(ValueError):
        compare.parse_cell(bad)


def test_parse_cell_accepts_defaults():
    for name, steps in compare.DEFAULT_CELLS + compare.EXTRA_CELLS:
        assert compare.parse_cell(compare.cell_key(name, steps)) == (name, steps)


QUALITY_KEYS = {"sampler", "steps", "nfe", "confident", "balance", "frechet", "frechet_real", "near_copies",
                "seed"}


def quality_file(tmp_path, ddpm: float, r10: float, r20: float):
    rows = [{"sampler": s, "steps": n, "nfe": n, "confident": 0.9, "balance": 0.98, "frechet": f, "frechet_real": 5.0,
             "near_copies": 0.0, "s/image": 0.01, "seed": 1}
            for s, n, f in [("dpmpp2m", 10, r10), ("dpmpp2m", 20, r20), ("ddim", 10, 40.0), ("ddpm", 1000, ddpm),
                            ("ddim", 20, 30.0), ("ddpm", 20, r20 + 19.0)]]
    path = tmp_path / "quality_vs_steps.json"
    path.write_text(json.dumps({"n": 512, "seed": 1, "when": "2026-11-22", "frechet_real": 5.0, "rows": rows}))
    return path


@pytest.mark.parametrize("r10, r20, holds", [(12.9, 10.9, True), (13.1, 10.5, False), (12.0, 11.2, False)])
def test_quality_chart_reads_the_file_and_judges_the_claim(tmp_path, monkeypatch, r10, r20, holds):
    from ui import compare_tab

    quality_file(tmp_path, 10.0, r10, r20)
    monkeypatch.setenv("DIFFUSION_ASSETS", str(tmp_path))
    html = compare_tab.quality_chart("en")
    assert "<svg" in html and "DPM-Solver++(2M)" in html and "DDIM" in html
    assert f"({r10 / 10:.2f}×)" in html and f"({r20 / 10:.2f}×)" in html
    assert ("claim holds" in html) == holds
    ddpm20 = f"{r20 + 19.0:.1f}"                            # against DDIM's 30.0 at 20 steps
    assert f"scores {ddpm20}; DDIM, which adds none, 30.0" in html
    assert ("washes out" in html) == (r20 + 19.0 < 30.0)
    assert "倍" in compare_tab.quality_chart("zh-CN")


def test_the_flow_nets_curve_joins_the_chart_where_it_is_measured(tmp_path, monkeypatch):
    """With the flow net's file beside the picked model's, its Euler line is drawn on the same chart (a dot per
    measured point) and the note says what it is; without it, neither."""
    from ui import compare_tab

    monkeypatch.setenv("DIFFUSION_ASSETS", str(tmp_path))
    quality_file(tmp_path, 10.0, 12.9, 10.9)
    without = compare_tab.quality_chart("en")
    assert "Flow · Euler" not in without
    rows = [{"sampler": "flow_euler", "steps": n, "nfe": n, "frechet": f, "frechet_real": 5.0} for n, f in
            ((5, 60.0), (10, 20.0), (20, 12.0))]
    (tmp_path / "quality_vs_steps_digits_flow.json").write_text(json.dumps({"rows": rows}))
    html = compare_tab.quality_chart("en")
    assert "Flow · Euler" in html and "flow-matching net, measured the same way" in html
    assert html.count("<polyline") == without.count("<polyline") + 1
    # a screen reader hears the line's first and last measured points, in calls and distances (not their logs)
    assert "Flow · Euler: 60 (network calls (log scale) 5) → 12 (network calls (log scale) 20)" in html
    assert "流匹配网络" in compare_tab.quality_chart("zh-CN")


def test_each_model_has_its_own_quality_chart(tmp_path, monkeypatch):
    """The Compare tab's chart is the picked model's file; a model not measured yet gets the command that measures
    it, in the learner's language."""
    from ui import compare_tab

    monkeypatch.setenv("DIFFUSION_ASSETS", str(tmp_path))
    quality_file(tmp_path, 10.0, 12.9, 10.9)
    for lang in ("en", "zh-CN"):
        missing = compare_tab.quality_chart(lang, "student")
        assert "<svg" not in missing and "bench/quality_vs_steps.py --model digits_student" in missing
        assert "quality_vs_steps_digits_student.json" in missing
    (tmp_path / "quality_vs_steps.json").rename(tmp_path / "quality_vs_steps_digits_student.json")
    assert "<svg" in compare_tab.quality_chart("en", "student") and "Measured on the student" in \
        compare_tab.quality_chart("en", "student")
    assert "<svg" not in compare_tab.quality_chart("en", "teacher"), "the teacher's file is gone"


@pytest.mark.parametrize("name", ["digits", "digits_student", "digits_flow"])
def test_shipped_quality_file_schema(name):
    """Each shipped quality chart: its points, and the very model and classifier they were measured with."""
    from diffusion_core.models.quality import steps_curve_file

    path = steps_curve_file(name)
    if not path.is_file() or not path.with_name(f"{name}.json").is_file():
        pytest.skip(f"{path.name} not measured yet (python bench/quality_vs_steps.py --model {name})")
    data = json.loads(path.read_text())
    assert data["n"] >= 512 and {"seed", "when", "frechet_real", "how", "rows"} <= set(data)
    assert all(QUALITY_KEYS <= set(r) for r in data["rows"])
    from diffusion_core.models import pretrained

    # with its experts, without the guide (the Compare tab races the nets alone)
    model = pretrained.load(name, device="cpu", assets=path.parent)
    assert data["model_sha256"] == model.unguided().sha256, \
        f"figures of another model: rerun bench/quality_vs_steps.py --model {name}"
    assert data.get("time_shift", 1.0) == model.time_shift, f"figures of another grid: rerun for {name}"
    from diffusion_core.models.quality import classifier_id

    rerun = f"rerun bench/quality_vs_steps.py --model {name}"
    assert data["classifier"] == classifier_id(), f"scored by another classifier: {rerun}"
    got = {(r["sampler"], r["nfe"]) for r in data["rows"]}
    if name == "digits_flow":                          # its own solvers at the same calls (Heun: 2N - 1 of them)
        assert all(("flow_euler", n) in got for n in (5, 10, 20, 50, 100)) and ("flow_heun", 9) in got
        assert set(data["goals"]) >= {"flow_euler_10_over_100", "flow_heun_9_over_99", "about_10_calls_within_1_3x"}
        return
    assert ("ddpm", 1000) in got and all((s, n) in got for s in ("ddim", "euler", "dpmpp2m") for n in (5, 10, 20, 50, 100))


def test_a_finished_cells_picture_is_one_file_for_the_whole_stream():
    """The race yields every finished cell again with each new one. Yielded as an array, Gradio re-saved each picture
    on every yield, rewriting the file a browser was still reading (CI: a phone saw 3 of 4 pictures). Each cell's
    picture is now written once: the same path, the same bytes, in every later yield."""
    from ui import compare_tab
    from ui.context import AppContext

    ctx = AppContext.create(model_names=("digits",))
    seen: dict[str, tuple[int, bytes]] = {}
    galleries = [out[0] for out in compare_tab.race(ctx, ["ddim:2", "ddim:3", "dpmpp2m:2"], 0, 2, "teacher", "own", None)
                 if isinstance(out[0], list) and out[0]]
    assert [len(g) for g in galleries] == [1, 2, 3]
    for gallery in galleries:
        for path, caption in gallery:
            with open(path, "rb") as f:
                stamp = (os.stat(path).st_mtime_ns, f.read())
            assert seen.setdefault(path, stamp) == stamp, f"{caption}: its file was rewritten"
    assert len(seen) == 3                                       # one file per cell, none shared
    from PIL import Image
    assert Image.open(galleries[-1][0][0]).size[0] > 28         # a grid of digits, not one 28-pixel digit
