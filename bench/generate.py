"""Generate as a learner waits for it: click -> every step's frame -> the last frame's picture, through the app.

python bench/generate.py [--repeats 10] [--concurrent 1 4 16] [--url URL]
Starts the app (or uses --url), then times the Denoise tab's Generate with the defaults (student, DPM-Solver++
20 steps, 16 digits) over the app's own API, as the page does: the queue join, the event stream of frames, and
the download of the last frame's picture. Then N learners press Generate at once (each its own seed) and the time
until the last of them has its last frame is compared with one alone. Writes bench/results/generate.json.
"""
from __future__ import annotations

import argparse
import json
import threading
import time

import httpx

from common import pct, running_app, save, table

ARGS = ["dpmpp2m", 20, 0, 0, 16, "student"]          # sampler, steps, eta, seed, digits, model: the tab's defaults


def one_run(url: str, seed: int) -> dict:
    """One Generate: seconds to the last frame's picture, frames streamed, and the error if any."""
    body = json.dumps({"data": [*ARGS[:3], seed, *ARGS[4:]]})
    t0 = time.perf_counter()
    with httpx.Client(timeout=600) as http:
        event = http.post(f"{url}gradio_api/call/generate", content=body,
                          headers={"Content-Type": "application/json"}).json()["event_id"]
        frames, last, kind = 0, None, ""
        with http.stream("GET", f"{url}gradio_api/call/generate/{event}") as r:
            for line in r.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind in ("generating", "complete"):
                    data = json.loads(line[6:])
                    frames += kind == "generating"
                    last = data
                elif line.startswith("data: ") and kind == "error":
                    return {"seconds": time.perf_counter() - t0, "frames": frames, "error": line[6:]}
        picture = last[0]["url"] if last and isinstance(last[0], dict) else None
        if picture:
            http.get(picture).raise_for_status()
    return {"seconds": time.perf_counter() - t0, "frames": frames, "error": None}


def at_once(url: str, n: int, seed0: int) -> dict:
    """n learners press Generate together: the time until the last one has its last frame."""
    out: list[dict] = [{}] * n
    start = threading.Barrier(n)

    def go(i: int) -> None:
        start.wait()
        out[i] = one_run(url, seed0 + i)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"learners": n, "all_done_s": time.perf_counter() - t0, "p50_s": pct([r["seconds"] for r in out], 50),
            "errors": sum(r["error"] is not None for r in out), "busy": sum("busy" in (r["error"] or "") for r in out),
            "min_frames": min(r["frames"] for r in out)}


def measure(url: str, repeats: int, crowds: list[int]) -> dict:
    one_run(url, 999)                                            # warm: the first run pays one-off costs
    alone = [one_run(url, s) for s in range(repeats)]
    secs = [r["seconds"] for r in alone]
    rows = [at_once(url, n, 100 * n) for n in crowds]
    base = next((r["all_done_s"] for r in rows if r["learners"] == 1), pct(secs, 50))
    for r in rows:
        r["x_one"] = r["all_done_s"] / base
    return {"alone": {"repeats": repeats, "p50_s": pct(secs, 50), "p95_s": pct(secs, 95),
                      "frames": min(r["frames"] for r in alone), "errors": sum(r["error"] is not None for r in alone)},
            "crowds": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--concurrent", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--url", default=None, help="an app already running (default: start one on port 7871)")
    ap.add_argument("--label", default="", help="a name for this run in the JSON file (e.g. before / after)")
    a = ap.parse_args()
    if a.url:
        res = measure(a.url, a.repeats, a.concurrent)
    else:
        with running_app(7871) as (url, _):
            res = measure(url, a.repeats, a.concurrent)
    al = res["alone"]
    print(f"Generate, defaults, alone: p50 {al['p50_s']:.2f} s, p95 {al['p95_s']:.2f} s, {al['frames']} frames")
    print(table(res["crowds"], ["learners", "all_done_s", "p50_s", "x_one", "errors", "busy", "min_frames"]))
    save(f"generate{'_' + a.label if a.label else ''}", {"args": ARGS, **res})


if __name__ == "__main__":
    main()
