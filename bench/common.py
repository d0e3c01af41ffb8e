"""Shared helpers for bench scripts: percentiles, a table printer, JSON results."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def pct(xs, q: float) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), q))


def table(rows: list[dict], cols: list[str]) -> str:
    """A plain-text table of dict rows."""
    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    width = {c: max(len(c), *(len(fmt(r.get(c, ""))) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(width[c]) for c in cols), "  ".join("-" * width[c] for c in cols)]
    lines += ["  ".join(fmt(r.get(c, "")).ljust(width[c]) for c in cols) for r in rows]
    return "\n".join(lines)


def result_name(kind: str, model: str, precision: str) -> str:
    """The results file of a per-model bench: KIND_PRECISION for the served digits model, else KIND_MODEL_PRECISION."""
    return f"{kind}_{precision}" if model == "digits" else f"{kind}_{model}_{precision}"


def precision_tag() -> str:
    """"bf16" on a CPU with native bf16 (the app autocasts there), else "fp32": speed results are kept per tag."""
    from diffusion_core.device import cpu_has_bf16

    return "bf16" if cpu_has_bf16() else "fp32"


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or "" (the same bench has run 2x faster on another x86 CPU)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")


def save(name: str, payload: dict) -> Path:
    """Write bench/results/NAME.json with the machine's description."""
    import torch

    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads(),
               "cpu": platform.processor() or platform.machine(), "cpu_model": cpu_model(),
               "cpu_capability": torch.backends.cpu.get_cpu_capability(), "native_bf16": precision_tag() == "bf16"}
    payload = {"when": time.strftime("%Y-%m-%d %H:%M"), "machine": machine, **payload}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


@contextmanager
def running_app(port: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `python app.py` on 127.0.0.1:PORT, wait until it answers, yield (url, process); stop it after."""
    from gradio_client import Client

    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        start = time.monotonic()
        while True:
            try:
                Client(url, verbose=False)
                break
            except Exception:
                if time.monotonic() - start > 90 or server.poll() is not None:
                    raise SystemExit("the app did not start")
                time.sleep(0.5)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)
