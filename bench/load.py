"""A classroom at once: N simulated learners drive a locally launched app through gradio_client.

python bench/load.py [--learners 40] [--seconds 60]
Mix per action: 70% t-slider moves, 20% denoise runs, 10% comparisons or record films.
Reports per endpoint p50 / p95 / max latency, errors, busy answers, and the server's peak RSS.
Traffic goes to 127.0.0.1 only and stops by itself.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict

from common import ROOT, pct, save, table

ACTIONS = [(0.70, "/noisy_view", lambda r: (r.randint(0, 1000), "linear", 0)),
           (0.20, "/generate", lambda r: ("dpmpp2m", 20, 0, r.randint(0, 999), 4)),
           (0.05, "/compare", lambda r: (["dpmpp2m:5", "ddim:10"], r.randint(0, 999), 2)),
           (0.05, "/record_film", lambda r: (r.randint(50, 300), "linear", 0))]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def learner(url: str, seed: int, until: float, out: dict, lock: threading.Lock) -> None:
    from gradio_client import Client

    r = random.Random(seed)
    try:
        client = Client(url, verbose=False)
    except Exception as e:
        with lock:
            out["errors"]["connect"].append(repr(e)[:120])
        return
    while time.monotonic() < until:
        x, acc = r.random(), 0.0
        for share, api, args in ACTIONS:
            acc += share
            if x <= acc:
                break
        t0 = time.perf_counter()
        try:
            client.predict(*args(r), api_name=api)
            with lock:
                out["lat"][api].append(1000 * (time.perf_counter() - t0))
        except Exception as e:
            msg = str(e)
            with lock:
                (out["busy"] if "busy" in msg.lower() or "queue is full" in msg.lower() else out["errors"])[api].append(msg[:120])
        time.sleep(r.uniform(0.2, 1.0) if api == "/noisy_view" else r.uniform(1, 3))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--port", type=int, default=7897)
    args = ap.parse_args()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(args.port), "GRADIO_SERVER_NAME": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{args.port}/"
    try:
        from gradio_client import Client

        start = time.monotonic()
        while True:
            try:
                Client(url, verbose=False)
                break
            except Exception:
                if time.monotonic() - start > 90:
                    raise SystemExit("the app did not start")
                time.sleep(0.5)
        out = {"lat": defaultdict(list), "errors": defaultdict(list), "busy": defaultdict(list)}
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=learner, args=(url, i, until, out, lock)) for i in range(args.learners)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.seconds + 300)
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
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
    print("->", save("load", {"learners": args.learners, "seconds": args.seconds, "peak_rss_mb": rss, "rows": rows,
                             "sample_errors": sample_errors, "goals": {"slider_p95_ms": 500, "rss_mb": 2048}}))


if __name__ == "__main__":
    main()
