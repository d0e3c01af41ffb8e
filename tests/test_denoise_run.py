"""The Denoise run as the learner follows it: a revisited step is named (step i of n, t, network calls) and the
timeline's cursor moves to it; after Stop the status says where the run was stopped, in both languages."""
import re

import numpy as np
import pytest
from gradio.exceptions import Error

from ui import charts
from ui.denoise_run import Kept, revisit_view, stopped_view

TS = (999.0, 749.0, 499.0, 249.0)          # a 4-step run's network timesteps
ROUTES = ((150, 649, 2),)


def kept(index, t, nfe):
    grid = np.full((8, 8), 0 if index is None else index, np.uint8)
    return Kept(grid, grid, grid, index, t, nfe, TS, ROUTES)


def cursor_x(svg: str) -> float:
    return float(re.search(r'<line x1="([\d.]+)"[^>]*stroke-dasharray', svg).group(1))


def point_xs(svg: str) -> list[float]:
    return [float(p.split(",")[0]) for p in re.search(r'<polyline points="([^"]*)"', svg).group(1).split()]


def test_a_revisited_step_is_named_and_the_cursor_moves_to_it():
    frames = [kept(i, t, i + 1) for i, t in enumerate(TS)] + [kept(None, 0.0, 4)]
    seen = set()
    for i in range(4):
        x_t, _, _, status, line = revisit_view(frames, i, "en")
        assert x_t[0, 0] == i
        assert f"step {i + 1} / 4" in status and f"t = {TS[i]:.0f}" in status and f"so far {i + 1}" in status
        assert "…" not in status
        xs = point_xs(line)
        assert len(xs) == 5, "the arrived run's timeline ends at t = 0"
        assert abs(cursor_x(line) - xs[i]) < 0.1, "the cursor is on the revisited step"
        seen.add(cursor_x(line))
    assert len(seen) == 4
    *_, status, line = revisit_view(frames, 4, "en")
    assert "After the last step" in status and abs(cursor_x(line) - point_xs(line)[-1]) < 0.1
    zh = revisit_view(frames, 2, "zh-CN")[3]
    assert "第 3 / 4 步" in zh and "t = 499" in zh
    with pytest.raises(Error):
        revisit_view([], 0, "en")
    with pytest.raises(Error):
        revisit_view(frames, 9, "en")


def test_a_revisit_during_a_run_shows_the_timeline_without_the_arrival():
    frames = [kept(0, TS[0], 1), kept(1, TS[1], 2)]
    line = revisit_view(frames, 0, "en")[4]
    assert len(point_xs(line)) == 4 and abs(cursor_x(line) - charts.PAD_L) < 0.1


def test_stop_says_where_the_run_was_stopped_in_both_languages():
    frames = [kept(0, TS[0], 1), kept(1, TS[1], 2), kept(2, TS[2], 3)]
    x_t, _, _, status, line, scrub, gif = stopped_view(frames, "en")
    assert status.startswith("Stopped at step 3 / 4") and "t = 499" in status and "3 network calls" in status
    assert x_t[0, 0] == 2 and abs(cursor_x(line) - point_xs(line)[2]) < 0.1
    assert scrub["maximum"] == 2 and scrub["value"] == 2 and gif is None     # the scrubber covers its kept steps
    zh = stopped_view(frames, "zh-CN")[3]
    assert zh.startswith("已停止") and "第 3 / 4 步" in zh
    # nothing running (no run yet, or it had arrived): Stop changes nothing
    for idle in ([], frames + [kept(None, 0.0, 4)]):
        assert all(v == {"__type__": "update"} for v in stopped_view(idle, "en"))       # gr.skip()


def test_stop_waits_for_the_stopped_run_to_end_before_it_speaks():
    """Gradio cancels a run one step late: the step in flight still reaches the page. Stop's message waits until the
    run has ended (its RunFrames idle again), so it names the last step shown and nothing covers it."""
    import copy
    import threading
    import time

    from ui.denoise_run import RunFrames, tracked

    frames = RunFrames()
    frames += [kept(0, TS[0], 1), kept(1, TS[1], 2)]
    frames.idle.clear()                                   # a run is going

    def last_step():
        time.sleep(0.3)
        frames.append(kept(2, TS[2], 3))
        frames.idle.set()

    threading.Thread(target=last_step).start()
    status = stopped_view(frames, "en")[3]
    assert status.startswith("Stopped at step 3 / 4"), status
    fresh = copy.deepcopy(frames)                          # what gr.State gives each new learner
    assert isinstance(fresh, RunFrames) and fresh == [] and fresh.idle.is_set()

    def run(x, frames):
        yield x
        raise RuntimeError("a fault mid-run")

    gen = tracked(run)(1, frames)
    assert next(gen) == 1 and not frames.idle.is_set()
    with pytest.raises(RuntimeError):
        next(gen)
    assert frames.idle.is_set(), "a run that ends in a fault leaves the frames idle"
    gen = tracked(run)(1, frames)
    next(gen)
    gen.close()                                            # what Gradio's cancel does
    assert frames.idle.is_set()


@pytest.mark.parametrize("page_s", [0.0, 0.06])
def test_a_page_that_falls_behind_skips_steps_and_the_scrubber_still_keeps_every_one(assets_dir, page_s):
    """Generate's steps are made ahead of the handler: a page that keeps up is sent every step; one far slower
    than the run is sent fewer, in order, and the last; every step is kept for the scrubber either way."""
    import time

    from learner import request_in
    from ui.context import AppContext
    from ui.denoise_handlers import generate
    from ui.denoise_run import RunFrames

    ctx = AppContext.create(model_names=("digits",), assets=assets_dir)
    frames, sent = RunFrames(), []
    for out in generate(ctx, "ddim", 25, 0, 0, 2, "teacher", frames, request_in("en")):
        sent.append(out[3])                                    # the status: "step i of n ..."
        time.sleep(page_s)                                     # the page's own time for a frame
    steps = [int(m.group(1)) for s in sent[:-1] if (m := re.search(r"(\d+)\D+25", s))]
    assert len(frames) == 26 and [k.index for k in frames[:25]] == list(range(25)) and frames[-1].index is None
    assert "25" in sent[-1] and len(sent) == len(steps) + 1
    if page_s == 0.0:
        assert steps == list(range(1, 25)), "a page that keeps up sees every step"
    else:
        assert 0 < len(steps) < 24 and steps == sorted(steps), f"a slow page is sent fewer steps: {steps}"


@pytest.mark.parametrize("api,args", [("generate", ["dpmpp2m", 20, 0, 0, 16, "student", None]),
                                      ("steer", ["3", "none", 3.0, "dpmpp2m", 20, 0, 8])])
def test_a_streamed_run_sends_the_page_one_message_a_frame(app_url, api, args):
    """What the page must draw at each step of a run, read from the page's own event stream: one frame and no
    progress message. With a progress bar the page had two messages a step to draw and painted 5 of a run's 21
    clean guesses, the last 1.31 s after the click; without, 14 and 0.88-0.91 s (bench/generate.py --browser). The
    overlay stays: under prefers-reduced-motion ui/a11y.js hides a streaming picture by it."""
    import json
    import uuid
    from collections import Counter

    import httpx

    deps = {d.get("api_name"): d for d in httpx.get(f"{app_url}config", timeout=30).json()["dependencies"]}
    if api not in deps:
        pytest.skip(f"/{api} is not in this app (its model is optional)")
    session = uuid.uuid4().hex[:12]
    seen = Counter()
    with httpx.Client(timeout=120) as http:
        joined = http.post(f"{app_url}gradio_api/queue/join",
                           json={"data": args, "fn_index": deps[api]["id"], "session_hash": session, "trigger_id": None})
        assert joined.status_code == 200, joined.text
        with http.stream("GET", f"{app_url}gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    seen[msg["msg"]] += 1
                    if msg["msg"] == "process_completed":
                        assert msg["success"], msg
                        break
    assert seen["process_generating"] >= 20 and seen["progress"] == 0, seen
