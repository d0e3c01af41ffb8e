"""What a learner behind another learner's long model job is told, and how long they then wait, through the app.

python bench/gate_wait.py [--url URL] [--train 20] [--label L]
Starts the app (or uses --url). In each case learner A asks for a model job and, a second later, learner B for the
Add-noise tab's record film, which waits for A's job in the model gate's line. B's told wait is read from the page's
own event stream (the pop-up's message) and set against what B waited: click -> B's first frame.
Cases: A trains the dye for --train seconds (the app's first training: nothing of its kind measured yet); A reforms the
photo in 100 steps after two reforms of 25 (the gate has learned what a reform of 25 takes).
Writes bench/results/gate_wait[_LABEL].json.
"""
from __future__ import annotations

import argparse
import json
import re
import threading
import time
import uuid

import httpx

from common import running_app, save, table

FILM = ("record_film", [50, "linear", 0])                        # t, schedule, seed (the photo: the tab's own)


def told_seconds(message: str) -> float:
    """The seconds in "about 3 min 20 s" / "大约 16.4 秒" (the first duration in the message)."""
    m = re.search(r"(\d+)\s*(?:min|分)\D{0,3}(\d+)", message)
    if m:
        return 60 * int(m.group(1)) + int(m.group(2))
    return float(re.search(r"(\d+(?:\.\d+)?)\s*(?:s\b|秒)", message).group(1))


def job(url: str, deps: dict, api: str, args: list) -> dict:
    """One event as the page sends it: queue/join, then its event stream. Seconds to the first frame and to the end,
    the pop-ups it was shown, the error if any. The gr.State inputs the page holds are sent empty (the tab's photo)."""
    dep = deps[api]
    kinds = {c["id"]: c["type"] for c in deps["__components__"]}
    it = iter(args)
    data = [None if kinds.get(i) == "state" else next(it) for i in dep["inputs"]]
    session = uuid.uuid4().hex[:12]
    out = {"api": api, "first_s": None, "seconds": None, "told": [], "error": None}
    t0 = time.perf_counter()
    with httpx.Client(timeout=600) as http:
        http.post(f"{url}gradio_api/queue/join", json={"data": data, "fn_index": dep["id"], "session_hash": session,
                                                        "trigger_id": None}).raise_for_status()
        with http.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg["msg"] == "log":
                    out["told"].append(msg["log"])
                elif msg["msg"] == "process_generating" and out["first_s"] is None:
                    out["first_s"] = time.perf_counter() - t0
                elif msg["msg"] == "process_completed":
                    if not msg.get("success"):
                        out["error"] = str(msg.get("output", {}).get("error"))
                    break
    out["seconds"] = time.perf_counter() - t0
    return out


def behind(url: str, deps: dict, ahead: tuple[str, list], name: str) -> dict:
    """A's job, then (1 s later) B's film: what B was told and what B waited."""
    got: dict = {}
    a = threading.Thread(target=lambda: got.setdefault("a", job(url, deps, *ahead)))
    a.start()
    time.sleep(1.0)
    b = job(url, deps, *FILM)
    a.join()
    told = b["told"][0] if b["told"] else None
    return {"case": name, "ahead_s": got["a"]["seconds"], "told": told, "told_s": told_seconds(told) if told else None,
            "waited_s": b["first_s"], "error": b["error"] or got["a"]["error"]}


def measure(url: str, train_s: int) -> list[dict]:
    config = httpx.get(f"{url}config", timeout=30).json()
    deps = {d.get("api_name"): d for d in config["dependencies"]}
    deps["__components__"] = config["components"]
    job(url, deps, *FILM)                                                   # warm: the film's kind is measured
    rows = [behind(url, deps, ("train_points", ["heart", None, train_s, 0]), f"dye training {train_s} s")]
    for _ in range(2):
        job(url, deps, "reform_photo", [450, "linear", 0, 25])              # what a reform of 25 steps takes here
    rows.append(behind(url, deps, ("reform_photo", [450, "linear", 0, 100]), "photo reform 100 steps"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url")
    ap.add_argument("--port", type=int, default=7872)
    ap.add_argument("--train", type=int, default=20)
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    if a.url:
        rows = measure(a.url, a.train)
    else:
        with running_app(a.port) as (url, _):
            rows = measure(url, a.train)
    print(table(rows, ["case", "ahead_s", "told_s", "waited_s", "error"]))
    for r in rows:
        print(f"{r['case']}: told {r['told']!r}")
    save("gate_wait" + (f"_{a.label}" if a.label else ""), {"train_s": a.train, "rows": rows})


if __name__ == "__main__":
    main()
