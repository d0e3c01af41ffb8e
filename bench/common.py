"""Shared helpers for bench scripts: percentiles, a table printer, JSON results."""
from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

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


def save(name: str, payload: dict) -> Path:
    """Write bench/results/NAME.json with the machine's description."""
    import torch

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"when": time.strftime("%Y-%m-%d %H:%M"), "machine": {"python": platform.python_version(),
               "torch": torch.__version__, "threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine()},
               **payload}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path
