"""A school behind nginx: two replicas (python app.py) behind the shipped deploy/nginx.conf at /classroom/.

python bench/proxy.py [--learners 4] [--seconds 30]

1. The t slider through the proxy against direct: LEARNERS learners move it through nginx while LEARNERS more move it
   at the same moment straight to the replica that nginx gave their twin (the same load on each replica, measured
   together, so the machine's other work weighs on both alike). Goal: p95 through the proxy <= 1.2 x direct.
2. One replica killed (SIGKILL) mid-class, the learners still sliding through the proxy: errors of the survivor's
   learners (goal 0), the answers the dead one's learners get (goal: all "reload the page"), the seconds until a
   browser's reloaded page works (its first server picture shown; goal <= 5 s) beside a normal page load before the
   kill, and until a REST learner's new session works.
Writes bench/results/proxy.json. Needs nginx and, for the page, Debian's chromium + chromium-driver.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import signal
import sys
import threading
import time

from common import ROOT, pct, save, table
from load import call

sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "tests"))
import loopback  # noqa: E402

SLIDE = "/noisy_view"


def slide_args(r: random.Random) -> tuple:
    return r.randint(0, 1000), "linear", 0


async def through_proxy(url: str) -> tuple:
    """A learner's client with a cookie jar of its own, through the proxy, and the replica nginx gave it."""
    import httpx

    proxied = httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(120, connect=10))
    replica = (await proxied.get("config")).headers["x-replica"]
    return proxied, replica


async def slide(http, url: str, seed: int, until: threading.Event, out: dict) -> None:
    """Move the slider like load.py's learners (a move every 0.2-1 s) until ``until``; log latency or error."""
    r = random.Random(seed)
    session = f"px{seed:04d}{r.getrandbits(32):08x}"
    while not until.is_set():
        t0 = time.perf_counter()
        try:
            kind, data = await call(http, url, SLIDE, slide_args(r), session)
        except Exception as e:                                              # transport failure
            kind, data = "error", repr(e)
        out["log"].append((time.monotonic(), kind, data[:200], 1000 * (time.perf_counter() - t0)))
        await asyncio.sleep(r.uniform(0.2, 1.0))


def classroom_traffic(room, n: int, stop: threading.Event, direct_too: bool) -> tuple[dict, threading.Thread]:
    """Start N proxied learners (and N direct twins) in a thread of their own; returns their logs by learner."""
    import httpx

    logs: dict = {}
    ready = threading.Event()

    async def main() -> None:
        jobs, share = [], -(-n // len(room.replicas))           # as many learners on each replica
        for i in range(n):
            proxied, replica = await through_proxy(room.url)
            while sum(v["replica"] == replica for (w, _), v in logs.items() if w == "proxy") >= share:  # new toss
                await proxied.aclose()
                proxied, replica = await through_proxy(room.url)
            logs[("proxy", i)] = {"replica": replica, "log": []}
            jobs.append(slide(proxied, room.url, i, stop, logs[("proxy", i)]))
            if direct_too:
                direct_url = room.replicas[replica].url + "/"
                logs[("direct", i)] = {"replica": replica, "log": []}
                jobs.append(slide(httpx.AsyncClient(timeout=120), direct_url, 1000 + i, stop, logs[("direct", i)]))
        ready.set()
        await asyncio.gather(*jobs)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    ready.wait(120)
    return logs, thread


def latencies(logs: dict, way: str, after: float = 0.0) -> list[float]:
    return [ms for (w, _), v in logs.items() if w == way for (t, kind, _, ms) in v["log"]
            if kind == "complete" and t >= after]


def slider_rows(room, n: int, seconds: float) -> tuple[list[dict], float]:
    stop = threading.Event()
    logs, thread = classroom_traffic(room, n, stop, direct_too=True)
    warm = time.monotonic() + min(5.0, seconds / 4)                         # first calls warm the caches
    time.sleep(seconds)
    stop.set()
    thread.join(60)
    rows = []
    for way in ("direct", "proxy"):
        lat = latencies(logs, way, warm)
        errors = sum(kind != "complete" for (w, _), v in logs.items() if w == way for (_, kind, _, _) in v["log"])
        rows.append({"way": way, "calls": len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
                     "max_ms": max(lat), "errors": errors})
    return rows, rows[1]["p95_ms"] / rows[0]["p95_ms"]


def health_while_busy(room) -> dict:
    """GET /healthz of a replica every 0.2 s while it runs DDPM's 1000 steps for 16 digits: latency in ms."""
    import httpx

    replica = next(iter(room.replicas.values()))
    lat, done = [], threading.Event()

    def run() -> None:
        with httpx.Client(base_url=replica.url + "/", timeout=600) as h:
            r = h.post("gradio_api/call/generate", json={"data": ["ddpm", 1000, 0, 4242, 16, "student"]})
            with h.stream("GET", f"gradio_api/call/generate/{r.json()['event_id']}") as resp:
                for _ in resp.iter_lines():
                    pass
        done.set()

    threading.Thread(target=run, daemon=True).start()
    time.sleep(1.0)                                                     # the run is under way
    with httpx.Client(timeout=30) as h:
        while not done.is_set():
            t0 = time.perf_counter()
            ok = h.get(replica.url + "/healthz").status_code == 200
            lat.append(1000 * (time.perf_counter() - t0) if ok else float("inf"))
            time.sleep(0.2)
    return {"calls": len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "max_ms": max(lat)}


def page_seconds(driver, url: str | None = None) -> float:
    """Load (or reload) the page; seconds until its first server picture (x_t, from its load event) is shown."""
    import browser

    t0 = time.perf_counter()
    driver.get(url) if url else driver.refresh()
    browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=120, every=0.01)
    return time.perf_counter() - t0


def kill_row(room, n: int, seconds: float) -> dict:
    import browser
    import httpx

    stop = threading.Event()
    logs, thread = classroom_traffic(room, n, stop, direct_too=False)
    driver = browser.chrome("en")
    try:
        page_seconds(driver, room.url)                                      # first load: the browser's own caches
        normal = sorted(page_seconds(driver) for _ in range(3))[1]          # a reload before the kill (median)
        victim = driver.execute_async_script("fetch('healthz').then(r => r.json()).then(j => arguments[0](j.replica))")
        time.sleep(seconds / 2)
        killed_at = time.monotonic()
        room.replicas[victim].process.send_signal(signal.SIGKILL)
        reload_s = page_seconds(driver)
        t0 = time.perf_counter()
        with httpx.Client(base_url=room.url, timeout=30) as h:              # a REST learner starts again
            h.get("config")
            ok = h.post("gradio_api/call" + SLIDE, json={"data": [500, "linear", 0]}).status_code == 200
        rest_s = time.perf_counter() - t0 if ok else float("nan")
        time.sleep(seconds / 2)
    finally:
        driver.quit()
        stop.set()
        thread.join(60)
    survivors = [v for v in logs.values() if v["replica"] != victim]
    dead = [v for v in logs.values() if v["replica"] == victim]
    after = [(kind, data) for v in dead for (t, kind, data, _) in v["log"] if t > killed_at + 1]
    return {"victim": victim, "survivor_learners": len(survivors), "dead_learners": len(dead),
            "survivor_calls": sum(len(v["log"]) for v in survivors),
            "survivor_errors": sum(kind != "complete" for v in survivors for (_, kind, _, _) in v["log"]),
            "dead_answers_after_kill": len(after),
            "dead_told_to_reload": sum("Reload the page" in data for _, data in after),  # the app's or nginx's words
            "dead_other_answers": [data for _, data in after if "Reload the page" not in data][:3],
            "page_load_s": round(normal, 2), "reload_after_kill_s": round(reload_s, 2),
            "rest_restart_s": round(rest_s, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=4, help="through the proxy (and as many direct)")
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()
    if loopback.nginx_binary() is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    with loopback.classroom(2) as room:
        rows, ratio = slider_rows(room, args.learners, args.seconds)
        health = health_while_busy(room)
        kill = kill_row(room, 2 * args.learners, args.seconds)
    print(f"t slider ({SLIDE}), {args.learners} learners through nginx and {args.learners} direct at once, "
          f"{args.seconds:.0f} s, 2 replicas\n")
    print(table(rows, ["way", "calls", "p50_ms", "p95_ms", "max_ms", "errors"]))
    print(f"\np95 proxy / direct: {ratio:.2f} (goal <= 1.2)")
    print(f"\n/healthz while the replica runs DDPM 1000 steps: p50 {health['p50_ms']:.1f} ms, p95 {health['p95_ms']:.1f} ms,"
          f" max {health['max_ms']:.0f} ms ({health['calls']} calls)")
    print(f"\nreplica {kill['victim']} killed mid-class: survivors' learners {kill['survivor_errors']} errors in "
          f"{kill['survivor_calls']} calls (goal 0); the dead one's learners told to reload "
          f"{kill['dead_told_to_reload']} / {kill['dead_answers_after_kill']} answers")
    print(f"page reloaded after the kill works in {kill['reload_after_kill_s']} s (goal <= 5; a normal load "
          f"{kill['page_load_s']} s); a REST learner's new session in {kill['rest_restart_s']} s")
    print("->", save("proxy", {"learners": args.learners, "seconds": args.seconds, "slider": rows,
                               "p95_ratio": ratio, "health_while_busy": health, "kill": kill,
                               "goals": {"p95_ratio": 1.2, "survivor_errors": 0, "reload_after_kill_s": 5}}))


if __name__ == "__main__":
    main()
