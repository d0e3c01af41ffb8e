"""The one place that picks a device and a compute dtype."""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Iterator

import torch

ENV_VAR = "DIFFUSION_DEVICE"


def pick_device(preference: str | None = None) -> torch.device:
    """Return the device to run on: "auto" (default) | "cpu" | "cuda" | "mps".

    The preference comes from the argument, else the DIFFUSION_DEVICE environment variable.
    """
    pref = (preference or os.environ.get(ENV_VAR) or "auto").lower()
    if pref not in {"auto", "cpu", "cuda", "mps"}:
        raise ValueError(f"{ENV_VAR} must be auto, cpu, cuda or mps, not {pref!r}")
    if pref == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(pref)


def cpu_has_bf16() -> bool:
    """True when this CPU has native bf16 matrix instructions (AVX512-BF16 or AMX)."""
    cap = torch.backends.cpu.get_cpu_capability()
    if "AVX512" not in cap and "AMX" not in cap:
        return False
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """The low-precision dtype worth autocasting to on this device, or None for plain fp32."""
    if os.environ.get("DIFFUSION_FP32") == "1":
        return None
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu" and cpu_has_bf16():
        return torch.bfloat16
    return None



ALL_CORES = torch.get_num_threads()      # torch's own choice at start-up: every core


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Model calls inside run on ``n`` threads (torch keeps the count per OS thread: this sets it for the calling
    thread, and puts the old count back after)."""
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


MODEL_NICE = 10       # model work runs below the page's own work: a slider move preempts a training step


def lower_priority(nice: int = MODEL_NICE) -> bool:
    """Lower the calling OS thread's CPU priority by ``nice`` (Linux: niceness is per thread, and threads it starts
    later, such as torch's OpenMP workers, inherit it). Call it before the thread's first torch op. False where the
    system does not allow it (raising it back needs privileges, so use it on threads that only do model work)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)
        return True
    except (AttributeError, OSError):
        return False

