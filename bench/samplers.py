"""Sampler speed on the shipped digits model: time per step, FLOPs of the network calls, share of a GEMM peak.

python bench/samplers.py [--model digits] [--against digits_student] [--repeats 3] [--no-levers] [--startup]
Writes bench/results/samplers_[MODEL_]bf16.json on a CPU with native bf16, samplers_[MODEL_]fp32.json on one
without (the model may still be served in fp32 there: its bundle's cpu_precision).
All ratios come from one run on one machine; run it with nothing else busy.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

import torch
from common import ROOT, precision_tag, result_name, save, table

from diffusion_core.device import cpu_has_bf16
from diffusion_core.models import pretrained
from diffusion_core.samplers import SAMPLERS, sample


def gemm_peak(dtype: torch.dtype, n: int = 2048, reps: int = 10) -> float:
    """GFLOP/s of an n x n matrix product in this dtype (torch.matmul: MKL's GEMM)."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    return 2 * n**3 * reps / best_seconds(lambda: a @ b, reps) / 1e9


def conv_gemm_peak(dtype: torch.dtype, c: int = 1024, side: int = 32, reps: int = 10) -> float:
    """GFLOP/s of a 1 x 1 convolution, c -> c channels on 2 x c x side x side, channels_last: the same GEMM through
    oneDNN, which the UNet's convolutions use (on AVX512 CPUs it beats MKL's fp32 path about 2x)."""
    x = torch.randn(2, c, side, side, dtype=dtype).contiguous(memory_format=torch.channels_last)
    w = torch.randn(c, c, 1, 1, dtype=dtype)
    with torch.no_grad():
        return 2 * 2 * c * c * side * side * reps / best_seconds(lambda: torch.nn.functional.conv2d(x, w), reps) / 1e9


def best_seconds(fn, reps: int) -> float:
    """Seconds for ``reps`` calls of fn after two warm-up calls."""
    for _ in range(2):
        fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return time.perf_counter() - t0


def peak(dtype: torch.dtype) -> dict[str, float]:
    """The GEMM peaks of a precision in this run: MKL's, oneDNN's, and the better of them (the one shares are of)."""
    mkl, onednn = gemm_peak(dtype), conv_gemm_peak(dtype)
    return {"mkl": mkl, "onednn": onednn, "best": max(mkl, onednn)}


def share(flops: int, secs: float, peak_gflops: float) -> float:
    """Percent of a GEMM peak (GFLOP/s) that ``flops`` in ``secs`` reach."""
    return 100 * flops / secs / 1e9 / peak_gflops


def run_flops(model, name: str, steps: int, batch: int) -> int:
    """FLOPs of the network calls of one whole run (torch.utils.flop_counter: a multiply-add counts 2), which for
    a model with experts and a guide differ from step to step."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as fc:
        sample(model, model.schedule, sampler=name, num_steps=steps, shape=(batch, 1, 28, 28), seed=0)
    return fc.get_total_flops()


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
    m = pretrained.load(name, device="cpu", frozen=False)
    m.net = torch.compile(m.net)
    t0 = time.perf_counter()
    sample(m, m.schedule, sampler="dpmpp2m", num_steps=2, shape=(16, 1, 28, 28), seed=0)
    compile_s = time.perf_counter() - t0
    return {"lever": f"app settings + torch.compile (compile {compile_s:.0f} s)",
            "dpmpp2m_20_b16_s": timed_run(m, "dpmpp2m", 20, 16, repeats)}


def levers(name: str, repeats: int, peaks: dict[str, dict], with_compile: bool = False,
           against: tuple[str, ...] = ()) -> list[dict]:
    """dpmpp2m, 20 steps, 16 digits under each option (bf16 only where the CPU has it: emulated, it is 25x slower),
    with the share of its precision's GEMM peak (``peaks``: "fp32", "bf16"), and each model of ``against`` at the
    app's settings (another model as a lever: the student against the teacher)."""
    rows = []
    options = [("fp32 eager", "fp32", False, False), ("fp32 channels_last", "fp32", True, False),
               ("fp32 channels_last, TorchScript freeze", "fp32", True, True)]
    if cpu_has_bf16():
        options += [("bf16 autocast", "bf16", False, False), ("bf16 + channels_last", "bf16", True, False)]
    flops = run_flops(pretrained.load(name, device="cpu"), "dpmpp2m", 20, 16)
    for label, precision, cl, frozen in options:
        m = pretrained.load(name, device="cpu", precision=precision, channels_last=cl, frozen=frozen)
        secs = timed_run(m, "dpmpp2m", 20, 16, repeats)
        rows.append({"lever": label, "dpmpp2m_20_b16_s": secs,
                     "% of peak": share(flops, secs, peaks[precision]["best"])})
    if with_compile:
        rows.append(compiled_lever(name, repeats))
    for other in against:
        m = pretrained.load(other, device="cpu")
        rows.append({"lever": f"{other} ({m.flops_per_call(1) / 1e6:.0f} MFLOP a call), app settings",
                     "dpmpp2m_20_b16_s": timed_run(m, "dpmpp2m", 20, 16, repeats)})
    base = rows[0]["dpmpp2m_20_b16_s"]
    for r in rows:
        r.setdefault("% of peak", float("nan"))
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
    peaks = {"fp32": peak(torch.float32), **({"bf16": peak(torch.bfloat16)} if cpu_has_bf16() else {})}
    rows = []
    for name, info in SAMPLERS.items():
        n = info.default_steps
        calls = info.nfe(n)
        reps = 1 if n >= 500 else args.repeats
        t16 = timed_run(model, name, n, 16, reps)
        t1 = timed_run(model, name, min(n, 50), 1, reps) / min(n, 50)
        flops = run_flops(model, name, n, 16)
        rows.append({"sampler": name, "steps": n, "nfe": calls, "MFLOP/call/image": flops / calls / 16 / 1e6,
                     "ms/step b1": 1000 * t1, "ms/step b16": 1000 * t16 / n, "total b16 s": t16,
                     "GFLOP/s": flops / t16 / 1e9, "% of MKL peak": share(flops, t16, peaks[prec]["mkl"]),
                     "% of peak": share(flops, t16, peaks[prec]["best"])})
    print(f"{args.model} ({model.sha256[:12]}), precision {prec}; GEMM peaks (GFLOP/s), MKL / oneDNN: " +
          ", ".join(f"{p} {v['mkl']:.0f} / {v['onednn']:.0f}" for p, v in peaks.items()) + "\n")
    print(table(rows, list(rows[0])))
    out = {"precision": prec, "gemm_peaks_gflops": peaks, "samplers": rows,
           "goals": {"dpmpp2m_20_b16_s": 0.3, "ddpm_1000_b16_s": 20, "share_of_peak": 0.5, "startup_s": 20}}
    if not args.no_levers:
        lv = levers(args.model, args.repeats, peaks, args.compile, tuple(filter(None, args.against.split(","))))
        print("\n" + table(lv, ["lever", "dpmpp2m_20_b16_s", "speed-up", "% of peak"]))
        out["levers"] = lv
    if args.startup:
        out["startup_s"] = startup_seconds()
        print(f"\napp start-up to first answer: {out['startup_s']:.1f} s (goal <= 20 s)")
    out["model"] = {"name": args.model, "sha256": model.sha256, "parameters": model.card.get("parameters")}
    print("->", save(result_name("samplers", args.model, precision_tag()), out))   # per CPU: with and without bf16


if __name__ == "__main__":
    main()
