"""Faults: a corrupt or missing weights file is named at start-up with its rebuild command, and only its
own tab (or section) switches off; everything else keeps working."""
import shutil
from pathlib import Path

from ui.context import AppContext
from ui.noise_tab import slider_view

ROOT = Path(__file__).resolve().parent.parent


def test_corrupt_digits_and_missing_photos_leave_the_rest_working(tmp_path, capsys):
    for f in ("digits.json", "digits.safetensors"):
        shutil.copy(ROOT / "assets" / f, tmp_path / f)
    data = bytearray((tmp_path / "digits.safetensors").read_bytes())
    data[len(data) // 2] ^= 0xFF                                                    # one flipped byte
    (tmp_path / "digits.safetensors").write_bytes(bytes(data))

    ctx = AppContext.create(assets=tmp_path)
    assert not ctx.models
    assert "digits.safetensors" in ctx.model_errors["digits"] and "--model digits" in ctx.model_errors["digits"]
    assert "photos.json is missing" in ctx.model_errors["photos"] and "--model photos" in ctx.model_errors["photos"]
    err = capsys.readouterr().err
    assert "digits model is unavailable" in err and "photos model is unavailable" in err

    import app

    demo = app.build_demo(ctx)
    texts = " ".join(str(b.get("props", {}).get("value", "")) for b in demo.get_config_file()["components"])
    assert "digits.safetensors" in texts and "photos.json" in texts                   # each part says why
    x_t, bars, hist, sched = slider_view(ctx, None, 300, "linear", 0)                 # the Add-noise tab still works
    assert x_t.shape == ctx.default_photo.shape and "<svg" in hist
