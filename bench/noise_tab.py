"""Add-noise tab: the server's view handler and data call, the page's t slider (key press / drag -> new x_t pixels,
timed inside the page), the server calls while t moves, the page's memory, and the record's reform error; the same
key press / drag timings for the Dye tab's two sliders (the drop's time, the model's t), also drawn in the page.

python bench/noise_tab.py [--calls 200] [--moves 100] [--no-browser] [--url URL] [--label NAME]

In a class of 40 (about 20 minutes, both cores busy): start the class, then point this bench at its app:
    python bench/load.py --seconds 1200 --connections 0 &     # serves on 127.0.0.1:7897
    sleep 60 && python bench/noise_tab.py --url http://127.0.0.1:7897/ --label under_load
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
from common import ROOT, pct, save, table

from diffusion_core.lessons import forward
from diffusion_core.schedule import NoiseSchedule

# In the page: from a key press or a pointer move on the t slider (its event's time stamp) to the end of the first
# frame whose x_t pixels differ (a canvas's pixels, or an img's new src once loaded). One measurement at a time.
# The pixels before a move are read by `ready` ahead of it, so that reading them (a copy and a hash of the whole
# canvas) is not done inside the event and counted as the page's latency.
PROBE = """
window.__bench = {out: [], pending: null, slider: '#t_slider', canvas: '#x_t canvas[data-t]'};
(() => {
  const B = window.__bench, chan = new MessageChannel();
  const sig = () => {
    const c = document.querySelector(B.canvas);
    if (c) {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      for (let i = 0; i < d.length; i += 4) h = (Math.imul(h, 31) + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
      return 'canvas' + h;
    }
    const img = document.querySelector('#x_t img');
    return img && img.complete && img.naturalWidth ? img.src : null;
  };
  chan.port1.onmessage = () => {                    // runs after the frame's rendering
    const p = B.pending;
    if (!p) return;
    const now = performance.now();
    if (sig() !== p.before || now - p.start > 5000) {
      B.out.push(sig() !== p.before ? now - p.start : -1);
      B.pending = null;
    } else requestAnimationFrame(() => chan.port2.postMessage(0));
  };
  B.sig = sig;
  const start = e => {
    if (B.pending || !(e.target instanceof Element) || !e.target.closest(B.slider)) return;
    B.pending = {start: e.timeStamp, before: B.before ?? sig()};
    B.before = null;
    requestAnimationFrame(() => chan.port2.postMessage(0));
  };
  document.addEventListener('keydown', start, true);
  document.addEventListener('pointermove', e => { if (e.buttons) start(e); }, true);
})();
"""


def handler_latency(calls: int) -> list[dict]:
    from ui.context import AppContext
    from ui.noise_tab import slider_view, view_data

    ctx = AppContext.create(model_names=())
    img = ctx.default_photo
    assert img.shape[:2] == (256, 256), img.shape
    rng = np.random.default_rng(0)
    for t in (0, 500, 1000):                       # warm-up
        slider_view(ctx, img, t, "linear", 0)
    ms = []
    for t in rng.integers(0, 1001, calls):
        t0 = time.perf_counter()
        slider_view(ctx, img, int(t), "linear", 0)
        ms.append(1000 * (time.perf_counter() - t0))
    data_ms, size = [], 0
    for seed in range(1, 21):                      # a new seed each time: the noise is drawn anew
        t0 = time.perf_counter()
        size = len(view_data(ctx, img, "linear", seed))
        data_ms.append(1000 * (time.perf_counter() - t0))
    return [{"what": "server: /noisy_view handler, 256x256 photo", "n": calls, "p50_ms": pct(ms, 50),
             "p95_ms": pct(ms, 95), "max_ms": max(ms)},
            {"what": f"server: the page's data, once per photo/seed/schedule ({size / 1e6:.2f} MB)", "n": len(data_ms),
             "p50_ms": pct(data_ms, 50), "p95_ms": pct(data_ms, 95), "max_ms": max(data_ms)}]


def reform_error() -> dict:
    from PIL import Image

    from diffusion_core.media.images import example_photos

    s = NoiseSchedule("linear")
    x0 = forward.to_x0(np.asarray(Image.open(example_photos()[0]).convert("RGB")))
    x = forward.reform_from(forward.dissolve_to(x0, s, 0, 1000), s, 0, 1000)
    return {"what": "reform with the record after 1000 steps", "max_abs_error": float((x - x0).abs().max()), "goal": 1e-4}


def ready(d) -> None:
    """Read the pixels the next move starts from, before the move (see PROBE)."""
    d.execute_script("window.__bench.before = window.__bench.sig()")


def measured(d, n: int, timeout: float = 10.0) -> None:
    """Wait until the page holds ``n`` measurements (timed in the page: how often we ask does not change them)."""
    end = time.monotonic() + timeout
    while d.execute_script("return window.__bench.out.length") < n and time.monotonic() < end:
        time.sleep(0.02)


# the sliders whose moves the page draws itself: (name, the slider's elem_id, the canvas it drives, its tab)
SLIDERS = [("t", "t_slider", "#x_t canvas[data-t]", None),
           ("dye time", "dye_t", "#dye_view canvas.dv-glass[data-t]", "tab_dye"),
           ("dye model t", "model_t", "#cloud_view canvas.dv-cloud[data-t]", "tab_dye")]


def aim(d, slider: str, canvas: str) -> None:
    """Point the page's probe at one slider and the canvas it drives."""
    d.execute_script("Object.assign(window.__bench, {out: [], slider: '#' + arguments[0], canvas: arguments[1]})",
                     slider, canvas)


def keys(d, moves: int, slider: str = "t_slider") -> tuple[list[float], list[float]]:
    """Arrow right / left in turn on the focused slider, one key press at a time. Returns the latencies and the
    page's own drawing time of each frame (a view that reports it on its canvas, data-draw-ms)."""
    d.execute_script(f"window.__bench.out = []; document.querySelector('#{slider} input[type=range]').focus()")
    own = []
    for i in range(moves):
        key, vk = ("ArrowRight", 39) if i % 2 == 0 else ("ArrowLeft", 37)
        ready(d)
        for kind in ("rawKeyDown", "keyUp"):
            d.execute_cdp_cmd("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": vk})
        measured(d, i + 1)
        ms = d.execute_script("return document.querySelector(window.__bench.canvas)?.dataset.drawMs")
        if ms is not None:
            own.append(float(ms))
    return d.execute_script("return window.__bench.out"), own


def drag(d, moves: int, slider: str = "t_slider") -> tuple[list[float], int, int]:
    """Press on the slider's thumb, move right one pixel at a time (each a new t), release. Returns the
    latencies, the distinct values passed and the events the page sent the server during the moves."""
    import page_probe

    left, top, width, height, value, top_value = d.execute_script("""
        const r = document.querySelector(`#${arguments[0]} input[type=range]`);
        r.scrollIntoView({block: 'center'});
        const c = r.getBoundingClientRect();
        return [c.left, c.top, c.width, c.height, Number(r.value), Number(r.max)];""", slider)
    x, y = left + 8 + (width - 16) * value / top_value, top + height / 2
    mouse = lambda kind, x, **kw: d.execute_cdp_cmd("Input.dispatchMouseEvent", {   # noqa: E731
        "type": kind, "x": x, "y": y, "button": "left", **kw})
    mouse("mousePressed", x, buttons=1, clickCount=1)
    time.sleep(1.0)                                # the press itself may move t: let that settle
    d.execute_script("window.__bench.out = []")
    events = lambda: sum("/queue/join" in u for u in page_probe.calls(d))      # noqa: E731 - one per event
    n0, values = events(), set()
    for i in range(moves):
        ready(d)
        mouse("mouseMoved", x + i + 1, buttons=1)
        measured(d, i + 1)
        values.add(d.execute_script(f"return document.querySelector('#{slider} input[type=range]').value"))
    during = events() - n0
    mouse("mouseReleased", x + moves, buttons=0, clickCount=1)
    return d.execute_script("return window.__bench.out"), len(values), during


def page_heap_mb(d) -> float:
    d.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    return d.execute_cdp_cmd("Runtime.getHeapUsage", {})["usedSize"] / 2**20


def browser_rows(moves: int, url: str | None) -> tuple[list[dict], dict]:
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    import browser
    import page_probe

    from contextlib import nullcontext

    from common import running_app
    from conftest import free_port

    # the app in its own process: this one's polling must not take the server's GIL
    with running_app(free_port()) if url is None else nullcontext((url, None)) as (url, _):
        d = browser.chrome("en")
        try:
            page_probe.count_calls(d)
            d.get(url)
            browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
            time.sleep(2)
            heap = page_heap_mb(d)
            view_mb = int(d.execute_script("return document.querySelector('#x_t canvas.fv-x').dataset.bytes")) / 2**20
            d.execute_script(PROBE)
            print(f"page loaded (JS heap {heap:.1f} MB)", flush=True)
            rows, moved = [], {}
            for name, slider, canvas, tab in SLIDERS:
                if tab:
                    from ui.i18n import EN

                    browser.open_tab(d, EN[tab])
                    browser.wait_for(lambda: d.find_elements("css selector", canvas), timeout=60)
                    time.sleep(1)
                aim(d, slider, canvas)
                print(f"{name}: {moves} key presses, a drag of {moves} moves ...", flush=True)
                key_ms, own_ms = keys(d, moves, slider)
                drag_ms, values, calls = drag(d, moves, slider)
                moved[name] = {"distinct_values": values, "server_calls_while_dragging": calls}
                for what, ms in ((f"page: key press on {name} -> new pixels", key_ms),
                                 (f"page: drag on {name} -> new pixels", drag_ms)):
                    ok = [m for m in ms if m >= 0]
                    rows.append({"what": what, "n": len(ok), "p50_ms": pct(ok, 50), "p95_ms": pct(ok, 95),
                                 "max_ms": max(ok), "goal_p95_ms": 33, "missed": len(ms) - len(ok)})
                if own_ms:
                    rows.append({"what": f"page: its own drawing of a {name} frame (in the above)", "n": len(own_ms),
                                 "p50_ms": pct(own_ms, 50), "p95_ms": pct(own_ms, 95), "max_ms": max(own_ms)})
            heap_dye = page_heap_mb(d)
        finally:
            d.quit()
    t = moved["t"]
    return rows, {"drag_moves": moves, "distinct_t": t["distinct_values"],
                  "server_calls_while_dragging": t["server_calls_while_dragging"], "sliders": moved,
                  "page_js_heap_mb": round(heap, 2), "page_js_heap_mb_with_dye_tab": round(heap_dye, 2),
                  "view_data_mb": round(view_mb, 2), "goal_view_mb": 5,
                  "goal_calls": 0, "load_average": os.getloadavg()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--moves", type=int, default=100)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--url", help="measure the page of an app already running there (e.g. bench/load.py's)")
    ap.add_argument("--label", default="", help="results go to bench/results/noise_tab_LABEL.json")
    args = ap.parse_args()
    rows, page = handler_latency(args.calls), None
    if not args.no_browser:
        print("server handler done; the page ...", flush=True)
        browser_part, page = browser_rows(args.moves, args.url)
        rows += browser_part
    print("the page done; the reform ...", flush=True)
    rec = reform_error()
    print(table(rows, ["what", "n", "p50_ms", "p95_ms", "max_ms", "goal_p95_ms", "missed"]))
    if page:
        for name, m in page["sliders"].items():
            print(f"dragging {name} through {m['distinct_values']} values ({page['drag_moves']} moves): "
                  f"{m['server_calls_while_dragging']} server calls (goal 0)")
        print(f"the Add-noise view's data in the page: {page['view_data_mb']} MB (goal <= 5); "
              f"page JS heap {page['page_js_heap_mb']} MB (Add-noise tab), "
              f"{page['page_js_heap_mb_with_dye_tab']} MB with the Dye tab drawn too")
    print(f"{rec['what']}: max abs error {rec['max_abs_error']:.3g} (goal <= {rec['goal']:g})")
    name = "noise_tab" + (f"_{args.label}" if args.label else "")
    print("->", save(name, {"latency": rows, "page": page, "reform": rec}))


if __name__ == "__main__":
    main()
