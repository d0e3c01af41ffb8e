"""The training command end to end on a tiny budget: checkpoint, resume, export, continue from shipped weights."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not (ROOT / "assets" / "digit_classifier.safetensors").exists(), reason="classifier not built")
def test_train_resume_export_and_continue(tmp_path):
    env = {"DIFFUSION_RUNS": str(tmp_path / "runs"), "DIFFUSION_ASSETS_OUT": str(tmp_path / "assets"),
           "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    import os

    env = {**os.environ, **env}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "diffusion_core.train", "--model", "digits", "--no-compile", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    first = run("--images", "512", "--skip-quality")
    assert first.returncode == 0, first.stderr[-2000:]
    ck = tmp_path / "runs" / "digits" / "ckpt.pt"
    assert ck.exists()
    again = run("--images", "1024", "--skip-quality")                     # resumes at step 4, goes on to 8
    assert again.returncode == 0 and "resumed digits at step 4" in again.stdout + again.stderr
    card = json.loads((tmp_path / "assets" / "digits.json").read_text())
    assert card["training"]["steps"] == 8 and card["training"]["images_seen"] == 1024
    for name in ("digits.safetensors", "digits_loss.png", "digits_samples.png"):
        assert (tmp_path / "assets" / name).stat().st_size > 0
    env["DIFFUSION_RUNS"] = str(tmp_path / "runs2")
    cont = run("--images", "256", "--skip-quality", "--init-from", str(tmp_path / "assets" / "digits.safetensors"))
    assert cont.returncode == 0, cont.stderr[-2000:]
    card2 = json.loads((tmp_path / "assets" / "digits.json").read_text())
    assert card2["training"]["images_seen"] == 1024 + 256 and card2["training"]["continued_from"] == "digits.safetensors"
