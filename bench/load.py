"""A classroom at once: N simulated learners drive a locally launched app through its REST queue API.

python bench/load.py [--learners 40] [--seconds 60] [--connections 200] [--sliders-only | --heavy [--server-sliders]]
                    [--label L]
Mix per action: 70% t-slider moves, 20% denoise runs, 10% comparisons, photo reforms or record films. --heavy is
a class at full tilt: sliders in bursts, Generate with the tab's defaults (16 digits), races, dye training, photo
reforms and films; it reports model jobs finished per minute and the busy share of model requests. Its slider
moves are made in the page, as the page makes them (no server call); --server-sliders sends them as /noisy_view.
Reports per endpoint p50 / p95 / max latency, errors, busy answers, and the server's peak RSS.
Then --connections browser-like sessions are opened and closed in a row (page config, the page's load
events, a photo, a denoise run, heartbeat open and closed) and the server's RSS is compared before/after.
Traffic goes to 127.0.0.1 only and stops by itself. On 2 cores the whole run takes about 20 min, the 200 tabs
10 of them (session 26: 615 s); --connections 0 skips the tabs.
"""
from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import defaultdict

from common import ROOT, pct, running_app, save, table

NET = "student"          # the digits model a learner starts on (ui.nets.default_key, where the student ships)
ACTIONS = [(0.70, "/noisy_view", lambda r: (r.randint(0, 1000), "linear", 0)),
           (0.20, "/generate", lambda r: ("dpmpp2m", 20, 0, r.randint(0, 999), 4, NET)),
           (0.04, "/compare", lambda r: (["dpmpp2m:5", "ddim:10"], r.randint(0, 999), 2, NET, "own")),
           (0.03, "/reform_photo", lambda r: (r.randint(50, 400), "linear", 0, 10)),
           (0.03, "/record_film", lambda r: (r.randint(50, 300), "linear", 0))]
# A slider move in the page: since issue 41 the page draws x_t itself while t moves and sends nothing (measured:
# 0 server calls dragging through 100 values), so a learner's move costs the server nothing; the learner still
# spends the time. --server-sliders sends each as /noisy_view instead (the heavy mix as sessions 38-40 ran it).
PAGE_MOVE = "(page) slider move"
HEAVY = [(0.55, PAGE_MOVE, lambda r: (r.randint(0, 1000), "linear", 0)),
         (0.25, "/generate", lambda r: ("dpmpp2m", 20, 0, r.randint(0, 999), 16, NET)),
         (0.05, "/compare", lambda r: (["dpmpp2m:5", "ddim:10", "dpmpp2m:20"], r.randint(0, 999), 16, NET, "own")),
         (0.05, "/train_points", lambda r: (r.choice(["heart", "moons"]), None, 3, r.randint(0, 999))),
         (0.05, "/reform_photo", lambda r: (r.randint(50, 400), "linear", 0, 10)),
         (0.05, "/record_film", lambda r: (r.randint(50, 300), "linear", 0))]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def open_and_close(url: str, photo: str, seed: int) -> None:
    """What one browser tab does: config, the load events, a photo, a denoise run; then it closes."""
    import httpx
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    with httpx.Client(timeout=30) as h, h.stream("GET", f"{url}gradio_api/heartbeat/{client.session_hash}") as beat:
        next(beat.iter_lines())
        client.predict("linear", 0, api_name="/noise_initial_view")
        client.predict(60, 3000, 0, api_name="/dye_initial_view")
        client.predict(api_name="/compare_charts")
        client.predict(handle_file(photo), api_name="/load_photo")
        client.predict("dpmpp2m", 10, 0, seed, 4, NET, api_name="/generate")
    client.close()


def sessions(url: str, pid: int, n: int) -> dict:
    photo = str(next((ROOT / "assets" / "examples").glob("*.jpg")))
    open_and_close(url, photo, 0)                                                  # warm-up
    before = rss_mb(pid)
    t0 = time.perf_counter()
    for i in range(n):
        open_and_close(url, photo, i)
    time.sleep(3)
    after = rss_mb(pid)
    return {"connections": n, "rss_before_mb": round(before), "rss_after_mb": round(after),
            "growth": round(after / before - 1, 3), "seconds": round(time.perf_counter() - t0, 1)}


async def call(http, url: str, api: str, args: tuple, session: str) -> tuple[str, str]:
    """One call through Gradio's REST queue, as a script would: ("complete" | "error", data)."""
    r = await http.post(f"{url}gradio_api/call{api}", json={"data": list(args), "session_hash": session})
    if r.status_code != 200:
        return "error", r.text
    kind = "none"
    async with http.stream("GET", f"{url}gradio_api/call{api}/{r.json()['event_id']}") as resp:
        async for line in resp.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:].strip()
            elif line.startswith("data: ") and kind in ("complete", "error"):
                return kind, line[6:]
    return kind, ""


MIXES = {"default": ACTIONS, "heavy": HEAVY, "sliders": [(1.0, *ACTIONS[0][1:])],
         "heavy_server_sliders": [(share, "/noisy_view" if api == PAGE_MOVE else api, args) for share, api, args in HEAVY]}
SLIDERS = ("/noisy_view", PAGE_MOVE)


def learners(url: str, n: int, seconds: float, mix: str, first: int = 0) -> dict:
    """N learners as coroutines of one light client process (results are not fetched: a real learner's
    browser does that on its own machine; gradio_client, one thread per call, took 1.3 of the 2 cores)."""
    actions = MIXES[mix]
    import asyncio

    import httpx

    out = {"lat": defaultdict(list), "errors": defaultdict(list), "busy": defaultdict(list)}
    until = time.monotonic() + seconds

    async def one(seed: int, http: httpx.AsyncClient) -> None:
        r = random.Random(seed)
        session = f"load{seed:04d}{r.getrandbits(32):08x}"
        while time.monotonic() < until:
            x, acc = r.random(), 0.0
            for share, api, args in actions:
                acc += share
                if x <= acc:
                    break
            t0 = time.perf_counter()
            try:
                kind, data = ("complete", "") if api == PAGE_MOVE else await call(http, url, api, args(r), session)
            except Exception as e:                                          # transport failure
                kind, data = "error", repr(e)
            if kind == "complete":
                out["lat"][api].append(1000 * (time.perf_counter() - t0))
            else:
                busy = "busy" in data.lower() or "queue is full" in data.lower()
                (out["busy"] if busy else out["errors"])[api].append(data[:120])
            await asyncio.sleep(r.uniform(0.2, 1.0) if api in SLIDERS else r.uniform(1, 3))

    async def run_all() -> None:
        limits = httpx.Limits(max_connections=4 * n, max_keepalive_connections=2 * n)
        async with httpx.AsyncClient(timeout=httpx.Timeout(600, connect=30), limits=limits) as http:
            await asyncio.gather(*(one(first + i, http) for i in range(n)))

    asyncio.run(run_all())
    return {k: dict(v) for k, v in out.items()}


def slider_probe(url: str, seconds: float, gap: float = 0.3) -> list[float]:
    """One more learner, alone in its own thread, moving the t slider every ``gap`` seconds: its waits (ms) are the
    slider figure. The learners' own clients share their processes with up to ten streaming runs each, and their
    event loops' delays reached seconds on calls the server answered in milliseconds."""
    import httpx

    out, until = [], time.monotonic() + seconds
    with httpx.Client(timeout=60) as http:
        for i in itertools.count():
            if time.monotonic() >= until:
                return out
            t0 = time.perf_counter()
            body = {"data": [(37 * i) % 1001, "linear", 0], "session_hash": f"probe{i:06d}"}
            event = http.post(f"{url}gradio_api/call/noisy_view", json=body).json()["event_id"]
            if "event: complete" in http.get(f"{url}gradio_api/call/noisy_view/{event}").text:
                out.append(1000 * (time.perf_counter() - t0))
            time.sleep(gap)


def classroom(url: str, n: int, seconds: float, mix: str, processes: int = 4) -> dict:
    """The learners spread over several client processes: one process streaming 40 learners' runs measured its
    own event loop's delays (a slider call it timed at 5.7 s took 0.2 s for a separate client at the same time)."""
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    per = [n // processes + (i < n % processes) for i in range(processes)]
    starts = [sum(per[:i]) for i in range(processes)]
    out = {"lat": defaultdict(list), "errors": defaultdict(list), "busy": defaultdict(list)}
    with ProcessPoolExecutor(processes) as pool, ThreadPoolExecutor(1) as probe:
        probed = probe.submit(slider_probe, url, seconds)
        for part in pool.map(learners, [url] * processes, per, [seconds] * processes, [mix] * processes, starts):
            for kind, by_api in part.items():
                for api, values in by_api.items():
                    out[kind][api] += values
        out["lat"]["slider probe"] = probed.result()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=7897)
    ap.add_argument("--sliders-only", action="store_true", help="no model work: the sliders' own cost")
    ap.add_argument("--heavy", action="store_true", help="the full class mix (issue 42): model jobs per minute")
    ap.add_argument("--server-sliders", action="store_true",
                    help="with --heavy: the learners' slider moves sent to the server, as before the page drew them")
    ap.add_argument("--label", default="", help="a name for this run in the JSON file name (e.g. before, after)")
    ap.add_argument("--connections", type=int, default=200, help="browser-like sessions opened and closed (0: skip)")
    args = ap.parse_args()
    with running_app(args.port) as (url, server):
        mix = ("sliders" if args.sliders_only else "default" if not args.heavy else
               "heavy_server_sliders" if args.server_sliders else "heavy")
        out = classroom(url, args.learners, args.seconds, mix)
        rss = peak_rss_mb(server.pid)
        conn = sessions(url, server.pid, args.connections) if args.connections else None
    rows = []
    for api in sorted(set(out["lat"]) | set(out["errors"]) | set(out["busy"])):
        lat = out["lat"].get(api, [])
        rows.append({"endpoint": api, "ok": len(lat), "p50_ms": pct(lat, 50) if lat else float("nan"),
                     "p95_ms": pct(lat, 95) if lat else float("nan"), "max_ms": max(lat, default=float("nan")),
                     "errors": len(out["errors"].get(api, [])), "busy": len(out["busy"].get(api, []))})
    model = [r for r in rows if r["endpoint"] not in (*SLIDERS, "slider probe")]
    done, busy = sum(r["ok"] for r in model), sum(r["busy"] for r in model)
    asked = done + busy + sum(r["errors"] for r in model)
    jobs = {"model_jobs": done, "per_minute": 60 * done / args.seconds, "busy_share": busy / asked if asked else 0.0}
    print(f"{args.learners} learners for {args.seconds:.0f} s; server peak RSS {rss:.0f} MB (goal <= 2048)")
    print(f"model jobs finished: {done} ({jobs['per_minute']:.0f} a minute); busy: {busy} of {asked} model "
          f"requests ({100 * jobs['busy_share']:.0f}%)\n")
    print(table(rows, ["endpoint", "ok", "p50_ms", "p95_ms", "max_ms", "errors", "busy"]))
    sample_errors = {k: v[:3] for k, v in out["errors"].items()}
    if sample_errors:
        print("\nerrors:", sample_errors)
    if conn:
        print(f"\n{conn['connections']} tabs opened and closed in {conn['seconds']} s: RSS {conn['rss_before_mb']} -> "
              f"{conn['rss_after_mb']} MB ({100 * conn['growth']:+.1f}%, goal within 20%)")
    name = "load_sliders" if args.sliders_only else "load_heavy" if args.heavy else "load"
    print("->", save(name + (f"_{args.label}" if args.label else ""), {
        "learners": args.learners, "seconds": args.seconds, "mix": mix, "peak_rss_mb": rss, "rows": rows, **jobs,
        "connections": conn, "sample_errors": sample_errors, "goals": {"slider_p95_ms": 500, "rss_mb": 2048}}))


if __name__ == "__main__":
    main()
