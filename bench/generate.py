"""Generate as a learner waits for it: click -> every step's frame -> the last frame's picture, through the app.

python bench/generate.py [--tab denoise|steer] [--repeats 10] [--concurrent 1 4 16] [--url URL] [--browser]
Starts the app (or uses --url), then times the Denoise tab's Generate with the defaults (student, DPM-Solver++
20 steps, 16 digits; --tab steer: the Steer tab's, label 3 at the bundle's w, 8 digits) over the app's own API, as
the page does: the queue join, the event stream of frames (the first frame's time too), and the download of the
last frame's picture. Then N learners press Generate at once (each its own seed) and the time until the last of
them has its last frame is compared with one alone. Writes bench/results/generate[_steer].json.
--browser (Denoise tab): the same click in headless Chromium, timed in the page: click -> the last picture painted,
and how many of the run's clean guesses the page painted (the browser shares this machine's cores with the server).
"""
from __future__ import annotations

import argparse
import json
import threading
import time

import httpx

from common import ROOT, pct, running_app, save, table

from diffusion_core.models.bundles import bundle_file

ARGS = ["dpmpp2m", 20, 0, 0, 16, "student"]          # sampler, steps, eta, seed, digits, model: the tab's defaults


def steer_args() -> list:
    """The Steer tab's defaults: label 3, no "not like", the card's w, DPM-Solver++ 20 steps, seed, 8 digits."""
    served = json.loads(bundle_file("digits_cond", ROOT / "assets").read_text(encoding="utf-8"))
    return ["3", "none", float(served.get("guidance", {}).get("weight", 3.0)), "dpmpp2m", 20, 0, 8]


# tab -> (its endpoint, its arguments, where the seed goes)
TABS = {"denoise": ("generate", lambda: ARGS, 3), "steer": ("steer", steer_args, 5)}


def one_run(url: str, seed: int, tab: str = "denoise") -> dict:
    """One Generate: seconds to the first frame and to the last frame's picture, frames streamed, the error if any."""
    endpoint, args_of, at = TABS[tab]
    args = list(args_of())
    args[at] = seed
    body = json.dumps({"data": args})
    t0 = time.perf_counter()
    first = None
    with httpx.Client(timeout=600) as http:
        event = http.post(f"{url}gradio_api/call/{endpoint}", content=body,
                          headers={"Content-Type": "application/json"}).json()["event_id"]
        frames, last, kind = 0, None, ""
        with http.stream("GET", f"{url}gradio_api/call/{endpoint}/{event}") as r:
            for line in r.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind in ("generating", "complete"):
                    data = json.loads(line[6:])
                    frames += kind == "generating"
                    first = first or time.perf_counter() - t0
                    last = data
                elif line.startswith("data: ") and kind == "error":
                    return {"seconds": time.perf_counter() - t0, "first_s": first, "frames": frames,
                            "error": line[6:]}
        picture = last[0]["url"] if last and isinstance(last[0], dict) else None
        if picture:
            http.get(picture).raise_for_status()
    return {"seconds": time.perf_counter() - t0, "first_s": first, "frames": frames, "error": None}


def at_once(url: str, n: int, seed0: int, tab: str) -> dict:
    """n learners press Generate together: the time until the last one has its last frame."""
    out: list[dict] = [{}] * n
    start = threading.Barrier(n)

    def go(i: int) -> None:
        start.wait()
        out[i] = one_run(url, seed0 + i, tab)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"learners": n, "all_done_s": time.perf_counter() - t0, "p50_s": pct([r["seconds"] for r in out], 50),
            "errors": sum(r["error"] is not None for r in out), "busy": sum("busy" in (r["error"] or "") for r in out),
            "min_frames": min(r["frames"] for r in out)}


def measure(url: str, repeats: int, crowds: list[int], tab: str) -> dict:
    one_run(url, 999, tab)                                       # warm: the first run pays one-off costs
    alone = [one_run(url, s, tab) for s in range(repeats)]
    secs, firsts = [r["seconds"] for r in alone], [r["first_s"] or float("nan") for r in alone]
    rows = [at_once(url, n, 100 * n, tab) for n in crowds]
    base = next((r["all_done_s"] for r in rows if r["learners"] == 1), pct(secs, 50))
    for r in rows:
        r["x_one"] = r["all_done_s"] / base
    return {"alone": {"repeats": repeats, "p50_s": pct(secs, 50), "p95_s": pct(secs, 95),
                      "first_frame_p50_s": pct(firsts, 50), "first_frame_p95_s": pct(firsts, 95),
                      "frames": min(r["frames"] for r in alone), "errors": sum(r["error"] is not None for r in alone)},
            "crowds": rows}


# in the page: every picture of the run painted (its load event) and every change of the status line, timed
ARM_JS = """
window.__ev = [];
document.addEventListener('load', e => { const img = e.target, box = img.closest && img.closest('#dn_xt, #dn_x0, #dn_eps');
  if (img.tagName === 'IMG' && box) window.__ev.push([performance.now(), box.id]); }, true);
new MutationObserver(() => window.__ev.push([performance.now(), 'status:' + document.getElementById('dn_status').innerText]))
  .observe(document.getElementById('dn_status'), {subtree: true, childList: true, characterData: true});
"""
CLICK_JS = "window.__ev = []; const t0 = performance.now(); document.querySelector('#dn_go').click(); return t0;"


def browser_runs(url: str, repeats: int) -> dict:
    """Generate clicked in the page ``repeats`` times (after one warm-up): click -> the last picture painted."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    import browser

    from ui.i18n import EN

    done = EN["dn_done"].split(":")[0]                                       # "Done"
    out = []
    with browser.opened(url, "en", 1400, 1000) as d:
        browser.open_tab(d, EN["tab_denoise"])
        browser.wait_for(lambda: browser.shown(d, "dn_go"))
        d.execute_script(ARM_JS)
        for i in range(repeats + 1):
            t0 = d.execute_script(CLICK_JS)
            browser.wait_for(lambda: any(str(w).startswith("status:" + done) for _, w in
                                         d.execute_script("return window.__ev")), timeout=120)
            time.sleep(0.5)                                                  # the last pictures' loads
            ev = d.execute_script("return window.__ev")
            painted = [t - t0 for t, w in ev if w in ("dn_xt", "dn_x0", "dn_eps")]
            if i:
                out.append({"last_picture_s": max(painted) / 1000, "first_picture_s": min(painted) / 1000,
                            "guesses_painted": sum(w == "dn_x0" for _, w in ev)})
            time.sleep(0.5)
    lasts = [r["last_picture_s"] for r in out]
    return {"repeats": repeats, "p50_s": pct(lasts, 50), "p95_s": pct(lasts, 95),
            "first_picture_p50_s": pct([r["first_picture_s"] for r in out], 50),
            "guesses_painted_p50": pct([r["guesses_painted"] for r in out], 50)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tab", default="denoise", choices=sorted(TABS))
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--concurrent", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--url", default=None, help="an app already running (default: start one on port 7871)")
    ap.add_argument("--label", default="", help="a name for this run in the JSON file (e.g. before / after)")
    ap.add_argument("--browser", action="store_true", help="time the click in the page (Denoise tab only)")
    a = ap.parse_args()
    if a.browser:
        if a.tab != "denoise":
            ap.error("--browser times the Denoise tab")
        if a.url:
            res = browser_runs(a.url, a.repeats)
        else:
            with running_app(7871) as (url, _):
                res = browser_runs(url, a.repeats)
        print(f"in the page: click -> last picture painted p50 {res['p50_s']:.2f} s, p95 {res['p95_s']:.2f} s; first "
              f"picture p50 {res['first_picture_p50_s']:.2f} s; clean guesses painted p50 {res['guesses_painted_p50']:.0f}"
              " of 21")
        save("generate_browser" + (f"_{a.label}" if a.label else ""), {"tab": a.tab, "args": ARGS, "browser": res})
        return
    if a.url:
        res = measure(a.url, a.repeats, a.concurrent, a.tab)
    else:
        with running_app(7871) as (url, _):
            res = measure(url, a.repeats, a.concurrent, a.tab)
    al = res["alone"]
    print(f"{a.tab}: Generate, defaults, alone: p50 {al['p50_s']:.2f} s, p95 {al['p95_s']:.2f} s, first frame p50 "
          f"{al['first_frame_p50_s']:.2f} s, {al['frames']} frames")
    print(table(res["crowds"], ["learners", "all_done_s", "p50_s", "x_one", "errors", "busy", "min_frames"]))
    name = "generate" + ("_steer" if a.tab == "steer" else "") + (f"_{a.label}" if a.label else "")
    save(name, {"tab": a.tab, "args": TABS[a.tab][1](), **res})


if __name__ == "__main__":
    main()
