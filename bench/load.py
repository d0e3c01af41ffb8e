"""A classroom at once: N simulated learners drive a locally launched app through its REST queue API.

python bench/load.py [--learners 40] [--seconds 60] [--connections 200] [--sliders-only]
Mix per action: 70% t-slider moves, 20% denoise runs, 10% comparisons, photo reforms or record films.
Reports per endpoint p50 / p95 / max latency, errors, busy answers, and the server's peak RSS.
Then --connections browser-like sessions are opened and closed in a row (page config, the page's load
events, a photo, a denoise run, heartbeat open and closed) and the server's RSS is compared before/after.
Traffic goes to 127.0.0.1 only and stops by itself. On 2 cores the whole run takes about 20 min, the 200 tabs
10 of them (session 26: 615 s); --connections 0 skips the tabs.
"""
from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict

from common import ROOT, pct, running_app, save, table

NET = "student"          # the digits model a learner starts on (ui.nets.default_key, where the student ships)
ACTIONS = [(0.70, "/noisy_view", lambda r: (r.randint(0, 1000), "linear", 0)),
           (0.20, "/generate", lambda r: ("dpmpp2m", 20, 0, r.randint(0, 999), 4, NET)),
           (0.04, "/compare", lambda r: (["dpmpp2m:5", "ddim:10"], r.randint(0, 999), 2, NET)),
           (0.03, "/reform_photo", lambda r: (r.randint(50, 400), "linear", 0, 10)),
           (0.03, "/record_film", lambda r: (r.randint(50, 300), "linear", 0))]


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


def learners(url: str, n: int, seconds: float, actions: list) -> dict:
    """N learners as coroutines of one light client process (results are not fetched: a real learner's
    browser does that on its own machine; gradio_client, one thread per call, took 1.3 of the 2 cores)."""
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
                kind, data = await call(http, url, api, args(r), session)
            except Exception as e:                                          # transport failure
                kind, data = "error", repr(e)
            if kind == "complete":
                out["lat"][api].append(1000 * (time.perf_counter() - t0))
            else:
                busy = "busy" in data.lower() or "queue is full" in data.lower()
                (out["busy"] if busy else out["errors"])[api].append(data[:120])
            await asyncio.sleep(r.uniform(0.2, 1.0) if api == "/noisy_view" else r.uniform(1, 3))

    async def run_all() -> None:
        limits = httpx.Limits(max_connections=4 * n, max_keepalive_connections=2 * n)
        async with httpx.AsyncClient(timeout=httpx.Timeout(600, connect=30), limits=limits) as http:
            await asyncio.gather(*(one(i, http) for i in range(n)))

    asyncio.run(run_all())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=7897)
    ap.add_argument("--sliders-only", action="store_true", help="no model work: the sliders' own cost")
    ap.add_argument("--connections", type=int, default=200, help="browser-like sessions opened and closed (0: skip)")
    args = ap.parse_args()
    with running_app(args.port) as (url, server):
        out = learners(url, args.learners, args.seconds, [(1.0, *ACTIONS[0][1:])] if args.sliders_only else ACTIONS)
        rss = peak_rss_mb(server.pid)
        conn = sessions(url, server.pid, args.connections) if args.connections else None
    rows = []
    for api in sorted(set(out["lat"]) | set(out["errors"]) | set(out["busy"])):
        lat = out["lat"].get(api, [])
        rows.append({"endpoint": api, "ok": len(lat), "p50_ms": pct(lat, 50) if lat else float("nan"),
                     "p95_ms": pct(lat, 95) if lat else float("nan"), "max_ms": max(lat, default=float("nan")),
                     "errors": len(out["errors"].get(api, [])), "busy": len(out["busy"].get(api, []))})
    print(f"{args.learners} learners for {args.seconds:.0f} s; server peak RSS {rss:.0f} MB (goal <= 2048)\n")
    print(table(rows, ["endpoint", "ok", "p50_ms", "p95_ms", "max_ms", "errors", "busy"]))
    sample_errors = {k: v[:3] for k, v in out["errors"].items()}
    if sample_errors:
        print("\nerrors:", sample_errors)
    if conn:
        print(f"\n{conn['connections']} tabs opened and closed in {conn['seconds']} s: RSS {conn['rss_before_mb']} -> "
              f"{conn['rss_after_mb']} MB ({100 * conn['growth']:+.1f}%, goal within 20%)")
    print("->", save("load_sliders" if args.sliders_only else "load", {"learners": args.learners, "seconds": args.seconds, "peak_rss_mb": rss, "rows": rows,
                             "connections": conn,
                             "sample_errors": sample_errors, "goals": {"slider_p95_ms": 500, "rss_mb": 2048}}))


if __name__ == "__main__":
    main()
