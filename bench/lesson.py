"""How long each Lesson step takes through the running app (issue 44): opening the step (the Next button's call),
its experiment's first pictures (the Run button's first answer: a long experiment streams its progress) and its
verdict (the last answer); one learner, seconds from request. Prints a table and writes bench/results/lesson.json.

    python bench/lesson.py            # starts the app on port 7872
    python bench/lesson.py --url http://127.0.0.1:7860/
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import running_app, save, table  # noqa: E402

from diffusion_core.lessons import lesson  # noqa: E402


def measure(url: str, repeats: int) -> list[dict]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    rows = []
    for i, step in enumerate(lesson.STEPS):
        opened, first, ran = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            client.predict({"step": max(i - 1, 0), "answers": {}}, api_name="/lesson_next")
            opened.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            job = client.submit({"step": i, "answers": {}}, step.choices[0], api_name="/lesson_check")
            seen = None
            for out in job:                                 # each answer as it arrives
                seen = seen or time.perf_counter() - t0
            ran.append(time.perf_counter() - t0)
            first.append(seen if seen is not None else ran[-1])
            out = job.outputs()[-1]
        rows.append({"step": i + 1, "key": step.key, "open_s": min(opened), "first_pictures_s": min(first),
                     "verdict_s": min(ran), "verdict_max_s": max(ran),
                     "verdict": out[5].split("**")[1] if "**" in out[5] else out[5][:20]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=None, help="an app already running (default: start one on port 7872)")
    ap.add_argument("--repeats", type=int, default=2, help="runs of each step (the table shows the fastest)")
    a = ap.parse_args()
    if a.url:
        rows = measure(a.url, a.repeats)
    else:
        with running_app(7872) as (url, _):
            rows = measure(url, a.repeats)
    print(table(rows, ["step", "key", "open_s", "first_pictures_s", "verdict_s", "verdict_max_s"]))
    save("lesson", {"repeats": a.repeats, "rows": rows,
                    "goal": "each step's widget renders in <= 2 s on an idle machine (issue 44): open_s and first_pictures_s"})


if __name__ == "__main__":
    main()
