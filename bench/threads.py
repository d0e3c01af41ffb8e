"""Which OS thread runs the model matters: OpenMP keeps a team of threads per calling thread.

python bench/threads.py [--batch 16] [--steps 20] [--repeats 5]
A web server runs each streamed step on whichever pool thread is free. Here DPM-Solver++(2M) runs
(a) in the main thread, (b) with each network call on the next of 8 threads in turn (like a server's
pool), (c) the same but every call handed to the one model thread (diffusion_core.device.on_model_thread).
Run it with nothing else busy; the ratios come from one run.
"""
from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import torch
from common import save, table

from diffusion_core import pretrained
from diffusion_core.device import on_model_thread
from diffusion_core.samplers import sample


def rotating(model, pool: list[ThreadPoolExecutor], via_model_thread: bool):
    """A Model that makes each call from the next thread of ``pool``."""
    turn = iter(range(10**9))

    def call(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        worker = pool[next(turn) % len(pool)]
        fn = (lambda: on_model_thread(model.run, x, t)) if via_model_thread else (lambda: model.run(x, t))
        return worker.submit(fn).result()
    return call


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    model = pretrained.load("digits", device="cpu")
    pool = [ThreadPoolExecutor(1) for _ in range(8)]
    ways = {"main thread": model.run, "8 pool threads in turn": rotating(model, pool, False),
            "pool threads -> one model thread": rotating(model, pool, True)}
    shape = (args.batch, *model.image_shape)
    times: dict[str, list[float]] = {k: [] for k in ways}
    for _ in range(args.repeats + 1):                     # interleaved, so drift hits every way alike
        for name, fn in ways.items():
            c0, t0 = time.process_time(), time.perf_counter()
            sample(fn, model.schedule, sampler="dpmpp2m", num_steps=args.steps, shape=shape, seed=0)
            times[name].append((time.perf_counter() - t0, time.process_time() - c0))
    base = statistics.median(w for w, _ in times["main thread"][1:])
    rows = []
    for name, ts in times.items():
        wall = [w for w, _ in ts[1:]]                     # the first round warms up
        rows.append({"how": name, "median_s": statistics.median(wall), "best_s": min(wall),
                     "cpu/wall": statistics.median(c / w for w, c in ts[1:]),
                     "vs main": statistics.median(wall) / base})
    print(f"dpmpp2m, {args.steps} steps, batch {args.batch}, {torch.get_num_threads()} threads")
    print(table(rows, ["how", "median_s", "best_s", "cpu/wall", "vs main"]))
    print("->", save("threads", {"batch": args.batch, "steps": args.steps, "rows": rows}))


if __name__ == "__main__":
    main()
