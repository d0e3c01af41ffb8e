"""The training command as the tests run it: a subprocess with runs/ and assets/ directories of its own."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def train_command(model: str, *args: str, runs: Path, assets: Path) -> subprocess.CompletedProcess:
    """``python -m diffusion_core.models.train --model MODEL ARGS`` with checkpoints in ``runs``, exports in ``assets``."""
    env = {**os.environ, "DIFFUSION_RUNS": str(runs), "DIFFUSION_ASSETS_OUT": str(assets), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "diffusion_core.models.train", "--model", model, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
