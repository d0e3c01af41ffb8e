"""The batching engine's throughput: digits per second with 1, 4, 16 runs at once, against the same runs one after
another (no engine: how the app ran them before, one model job at a time).

python bench/engine.py [--model digits_student] [--runs 1 4 16] [--n 16] [--steps 20] [--roofline]
Each run: DPM-Solver++ `--steps` steps on `--n` digits, its own seed, in its own thread (as the app's handlers).
--roofline: first what this CPU computes at best (a 2048 x 2048 matmul, fp32 and bf16) against the net's own
arithmetic rate at batches of 16 to 256: how far batching can take the engine here.
Writes bench/results/engine.json.
"""
from __future__ import annotations

import argparse
import threading
import time

import torch

from common import save, table

from diffusion_core.models import pretrained
from diffusion_core.samplers import sample
from diffusion_core.serving.engine import Engine


def at_once(model, k: int, n: int, steps: int) -> float:
    """Seconds until k runs, started together, have all finished."""
    start = threading.Barrier(k + 1)

    def go(seed: int) -> None:
        start.wait()
        sample(model, model.schedule, sampler="dpmpp2m", num_steps=steps, shape=(n, 1, 28, 28), seed=seed)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(k)]
    for th in threads:
        th.start()
    start.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return time.perf_counter() - t0


def one_after_another(model, k: int, n: int, steps: int) -> float:
    t0 = time.perf_counter()
    for seed in range(k):
        sample(model, model.schedule, sampler="dpmpp2m", num_steps=steps, shape=(n, 1, 28, 28), seed=seed)
    return time.perf_counter() - t0


def seconds(f, repeats: int = 5) -> float:
    f()
    t0 = time.perf_counter()
    for _ in range(repeats):
        f()
    return (time.perf_counter() - t0) / repeats


def roofline(model, batches=(16, 64, 128, 256)) -> dict:
    """GFLOP/s of a big matmul (fp32, bf16) and of one network call of ``model`` (its FLOPs by torch's counter)."""
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    best = {dt: 2 * 2048 ** 3 / seconds(lambda: x @ y) / 1e9
            for dt, (x, y) in {"fp32": (a, b), "bf16": (a.bfloat16(), b.bfloat16())}.items()}
    rows = []
    with torch.no_grad():
        for n in batches:
            x, t = torch.randn(n, *model.image_shape), torch.full((n,), 500.0)
            s = seconds(lambda: model(x, t), 10)
            rows.append({"batch": n, "ms_per_image": 1e3 * s / n, "gflops": model.flops_per_call(batch=n) / s / 1e9,
                         "of_matmul_fp32": model.flops_per_call(batch=n) / s / 1e9 / best["fp32"]})
    print(f"matmul 2048: fp32 {best['fp32']:.0f} GFLOP/s, bf16 {best['bf16']:.0f} GFLOP/s; "
          f"{model.flops_per_call(batch=1) / 1e6:.0f} MFLOP a call of one image at t = 500")
    print(table(rows, ["batch", "ms_per_image", "gflops", "of_matmul_fp32"]))
    return {"matmul_gflops": best, "net": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="digits_student")
    ap.add_argument("--runs", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--roofline", action="store_true")
    a = ap.parse_args()
    model = pretrained.load(a.model)
    roof = roofline(model) if a.roofline else None
    engine = Engine()
    served = engine.serve(model)
    at_once(served, 2, a.n, a.steps)                           # warm-up
    rows = []
    for k in a.runs:
        before, s0 = one_after_another(model, k, a.n, a.steps), engine.stats()
        after = at_once(served, k, a.n, a.steps)
        s1 = engine.stats()
        rows.append({"runs": k, "one_by_one_s": before, "engine_s": after, "speedup": before / after,
                     "digits_per_s": k * a.n / after, "mean_batch": (s1.images - s0.images) / max(1, s1.ticks - s0.ticks)})
    one = next((r["engine_s"] for r in rows if r["runs"] == 1), None)
    for r in rows:
        r["x_one"] = r["engine_s"] / one if one else None
    print(f"{a.model}, DPM-Solver++ {a.steps} steps, {a.n} digits a run, {model.precision}")
    print(table(rows, ["runs", "one_by_one_s", "engine_s", "speedup", "x_one", "digits_per_s", "mean_batch"]))
    save("engine", {"model": a.model, "n": a.n, "steps": a.steps, "precision": model.precision, "rows": rows,
                    "roofline": roof})
    engine.close()


if __name__ == "__main__":
    main()
