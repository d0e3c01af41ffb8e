"""Add-noise tab: the slider handler's latency, the browser round trip, and the record's reform error.

python bench/noise_tab.py [--calls 200] [--moves 30] [--no-browser]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from common import pct, save, table

from diffusion_core import forward
from diffusion_core.schedule import NoiseSchedule


def handler_latency(calls: int) -> dict:
    from ui.context import AppContext
    from ui.noise_tab import slider_view

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
    return {"what": "slider handler, 256x256 photo", "n": calls, "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95),
            "max_ms": max(ms), "goal_p95_ms": 15}


def reform_error() -> dict:
    s = NoiseSchedule("linear")
    img = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(forward_example()).convert("RGB"))
    x0 = forward.to_x0(img)
    x = forward.reform_from(forward.dissolve_to(x0, s, 0, 1000), s, 0, 1000)
    err = float((x - x0).abs().max())
    return {"what": "reform with the record after 1000 steps", "max_abs_error": err, "goal": 1e-4}


def forward_example():
    from diffusion_core.images import example_photos

    return example_photos()[0]


def browser_round_trip(moves: int) -> dict:
    import sys

    sys.path.insert(0, str(__import__("common").ROOT / "tests"))
    import browser
    from selenium.webdriver.common.keys import Keys

    import app

    demo = app.build_demo()
    from conftest import free_port

    port = free_port()
    app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    d = browser.chrome("en")
    try:
        d.get(f"http://127.0.0.1:{port}/")
        src = browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=60)
        rng = browser.slider_input(d, "t_slider")
        ms = []
        for i in range(moves + 3):
            t0 = time.perf_counter()
            rng.send_keys(Keys.ARROW_RIGHT if i % 2 == 0 else Keys.ARROW_LEFT)
            src = browser.wait_for(lambda: (s := browser.image_src(d, "x_t")) != src and s, timeout=10, every=0.002)
            if i >= 3:
                ms.append(1000 * (time.perf_counter() - t0))
    finally:
        d.quit()
        demo.close()
    return {"what": "browser: key press on the t slider -> new x_t on screen", "n": moves, "p50_ms": pct(ms, 50),
            "p95_ms": pct(ms, 95), "max_ms": max(ms), "goal_p95_ms": 150}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--moves", type=int, default=30)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    rows = [handler_latency(args.calls)]
    if not args.no_browser:
        rows.append(browser_round_trip(args.moves))
    rec = reform_error()
    print(table(rows, ["what", "n", "p50_ms", "p95_ms", "max_ms", "goal_p95_ms"]))
    print(f"\n{rec['what']}: max abs error {rec['max_abs_error']:.3g} (goal <= {rec['goal']:g})")
    print("->", save("noise_tab", {"latency": rows, "reform": rec}))


if __name__ == "__main__":
    main()
