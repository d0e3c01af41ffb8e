"""Compare tab: the default grid of samplers through the running app, as a learner sees it.

python bench/compare.py [--count N] [--repeats 2]
Times, from the click (the call) to: the first finished cell on screen, and the whole grid done.
Goals (2 cores): first cells within 2 s, the default grid within 30 s.
Writes bench/results/compare_bf16.json on a CPU with native bf16, compare_fp32.json on one without.
"""
from __future__ import annotations

import argparse
import time

from common import precision_tag, running_app, save, table

from diffusion_core.lessons import compare


def one_run(url: str, count: int, seed: int) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    cells = [compare.cell_key(n, s) for n, s in compare.DEFAULT_CELLS]
    t0 = time.perf_counter()
    job = client.submit(cells, seed, count, api_name="/compare")
    first = None
    shown = 0
    while not job.done():
        time.sleep(0.02)
        outs = job.outputs()
        if outs and outs[-1][0]:
            shown = len(outs[-1][0])
            first = first or time.perf_counter() - t0
    job.result()
    total = time.perf_counter() - t0
    client.close()
    return {"count": count, "seed": seed, "cells": len(cells), "first_cell_s": round(first or total, 2),
            "grid_s": round(total, 1), "cells_shown": max(shown, len(job.outputs()[-1][0] or []))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=None, help="digits per cell (default: the tab's)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--port", type=int, default=7898)
    args = ap.parse_args()
    from ui.compare_tab import DEFAULT_COUNT

    count = args.count or DEFAULT_COUNT
    with running_app(args.port) as (url, _):
        one_run(url, 1, 99)                                       # warm-up
        rows = [one_run(url, count, seed) for seed in range(args.repeats)]
    print(table(rows, ["count", "seed", "cells", "first_cell_s", "grid_s", "cells_shown"]))
    print("goals: first cell <= 2 s, grid <= 30 s")
    print("->", save(f"compare_{precision_tag()}", {"rows": rows, "goals": {"first_cell_s": 2, "grid_s": 30}}))


if __name__ == "__main__":
    main()
