"""Sampler speed on the shipped digits model: time per step, FLOPs per call, share of a GEMM peak.

python bench/samplers.py [--model digits] [--against digits_student] [--repeats 3] [--no-levers] [--startup]
Writes bench/results/samplers_bf16.json on a CPU with native bf16, samplers_fp32.json on one without.
All ratios come from one run on one machine; run it with nothing else busy.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

import torch
from common import ROOT, result_name, save, table

from diffusion_core import pretrained
from diffusion_core.device import cpu_has_bf16
from diffusion_core.samplers import SAMPLERS, sample


def gemm_peak(dtype: torch.dtype, n: int = 2048, reps: int = 10) -> float:
    """GFLOP/s of an n x n matrix product in this dtype (the ceiling for conv-heavy work)."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(2):
        a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * n**3 * reps / (time.perf_counter() - t0) / 1e9


def timed_run(model, name: str, steps: int, batch: int, repeats: int) -> float:
    """Best-of-``repeats`` seconds for a whole run."""
    best = float("inf")
    for r in range(repeats + 1):
        t0 = time.perf_counter()
        sample(model, model.schedule, sampler=name, num_steps=steps, shape=(batch, 1, 28, 28), seed=r)
        if r:                                  # the first run warms up
            best = min(best, time.perf_counter() - t0)
    return best


def compiled_lever(name: str, repeats: int) -> dict:
    """torch.compile (inductor, freezing) on top of the app's settings: its speed and its compile time."""
    import torch._inductor.config as inductor_config

    inductor_config.freezing = True
    m = pretrained.load(name, device="cpu")
    m.net = torch.compile(m.net)
    t0 = time.perf_counter()
    sample(m, m.schedule, sampler="dpmpp2m", num_steps=2, shape=(16, 1, 28, 28), seed=0)
    compile_s = time.perf_counter() - t0
    return {"lever": f"app settings + torch.compile (compile {compile_s:.0f} s)",
            "dpmpp2m_20_b16_s": timed_run(m, "dpmpp2m", 20, 16, repeats)}


def levers(name: str, repeats: int, with_compile: bool = False, against: tuple[str, ...] = ()) -> list[dict]:
    """dpmpp2m, 20 steps, 16 digits under each option (bf16 only where the CPU has it: emulated, it is 25x slower),
    and each model of ``against`` at the app's settings (another model as a lever: the student against the teacher)."""
    rows = []
    options = [("fp32 eager", "fp32", False), ("fp32 channels_last", "fp32", True)]
    if cpu_has_bf16():
        options += [("bf16 autocast", "bf16", False), ("bf16 + channels_last", "bf16", True)]
    for label, precision, cl in options:
        m = pretrained.load(name, device="cpu", precision=precision, channels_last=cl)
        rows.append({"lever": label, "dpmpp2m_20_b16_s": timed_run(m, "dpmpp2m", 20, 16, repeats)})
    if with_compile:
        rows.append(compiled_lever(name, repeats))
    for other in against:
        m = pretrained.load(other, device="cpu")
        rows.append({"lever": f"{other} ({m.flops_per_call(1) / 1e6:.0f} MFLOP a call), app settings",
                     "dpmpp2m_20_b16_s": timed_run(m, "dpmpp2m", 20, 16, repeats)})
    base = rows[0]["dpmpp2m_20_b16_s"]
    for r in rows:
        r["speed-up"] = base / r["dpmpp2m_20_b16_s"]
    return rows


def startup_seconds() -> float:
    """Seconds from `python app.py` to the first answered request."""
    from gradio_client import Client

    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**__import__("os").environ, "GRADIO_SERVER_PORT": "7899"})
    t0 = time.perf_counter()
    try:
        while time.perf_counter() - t0 < 120:
            try:
                Client("http://127.0.0.1:7899/", verbose=False).predict(100, "linear", 0, api_name="/noisy_view")
                return time.perf_counter() - t0
            except Exception:
                time.sleep(0.25)
        return float("inf")
    finally:
        proc.terminate()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-levers", action="store_true")
    ap.add_argument("--startup", action="store_true", help="also time app start-up to first answer")
    ap.add_argument("--compile", action="store_true", help="also measure torch.compile (slow to compile)")
    ap.add_argument("--model", default="digits", help="the digits model to time (saved as samplers_[MODEL_]PRECISION)")
    ap.add_argument("--against", default="", help="other digits models timed in the same run, as levers (comma-separated)")
    args = ap.parse_args()
    model = pretrained.load(args.model, device="cpu")             # the app's settings
    prec = model.precision
    peak = gemm_peak(torch.bfloat16 if prec == "bf16" else torch.float32)
    f1, f16 = model.flops_per_call(1), model.flops_per_call(16)
    rows = []
    for name, info in SAMPLERS.items():
        n = info.default_steps
        calls = info.nfe(n)
        reps = 1 if n >= 500 else args.repeats
        t16 = timed_run(model, name, n, 16, reps)
        t1 = timed_run(model, name, min(n, 50), 1, reps) / min(n, 50)
        gflops = f16 * calls / t16 / 1e9
        rows.append({"sampler": name, "steps": n, "nfe": calls, "ms/step b1": 1000 * t1, "ms/step b16": 1000 * t16 / n,
                     "total b16 s": t16, "GFLOP/s": gflops, "% of peak": 100 * gflops / peak})
    print(f"{args.model} ({model.sha256[:12]}), precision {prec}; GEMM peak {peak:.0f} GFLOP/s; "
          f"FLOPs per call: {f1 / 1e6:.0f} M (batch 1), {f16 / 1e9:.2f} G (batch 16)\n")
    print(table(rows, list(rows[0])))
    out = {"precision": prec, "gemm_peak_gflops": peak, "flops_per_call_b1": f1, "flops_per_call_b16": f16, "samplers": rows,
           "goals": {"dpmpp2m_20_b16_s": 0.3, "ddpm_1000_b16_s": 20, "share_of_peak": 0.5, "startup_s": 20}}
    if not args.no_levers:
        lv = levers(args.model, args.repeats, args.compile, tuple(filter(None, args.against.split(","))))
        print("\n" + table(lv, ["lever", "dpmpp2m_20_b16_s", "speed-up"]))
        out["levers"] = lv
    if args.startup:
        out["startup_s"] = startup_seconds()
        print(f"\napp start-up to first answer: {out['startup_s']:.1f} s (goal <= 20 s)")
    out["model"] = {"name": args.model, "sha256": model.sha256, "parameters": model.card.get("parameters")}
    print("->", save(result_name("samplers", args.model, prec), out))   # per precision: CPUs with and without bf16


if __name__ == "__main__":
    main()
