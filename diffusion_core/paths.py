"""Where the app's shipped files are: one assets folder, honoured by every module (issue 43).

DIFFUSION_ASSETS points at another folder (a model being trained, a test copy). It is read at each call, so a
test or a bench may set it after the import."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    """The assets folder: $DIFFUSION_ASSETS, else the repository's assets/."""
    return Path(os.environ.get("DIFFUSION_ASSETS") or ROOT / "assets")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A card or a bundle as the repository keeps them: indented, Chinese as itself, a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
