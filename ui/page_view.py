"""What the views the page draws itself share (forward_view, dye_view): their script (page_view.js, then the
view's own .js), arrays sent as base64, and the server's chart layout for the charts the page redraws."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np

from . import charts

HERE = Path(__file__).parent


def script(name: str) -> str:
    """A view's js_on_load: the shared helpers (page_view.js) followed by ``name`` (a .js file beside this one)."""
    return (HERE / "page_view.js").read_text(encoding="utf-8") + (HERE / name).read_text(encoding="utf-8")


def b64(a: Any, dtype: str) -> str:
    """Little-endian bytes of ``a`` as ``dtype``, base64 (the browser reads them into a typed array)."""
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def chart_geometry() -> dict:
    """charts.py's size, padding and palette: the page draws its charts (and cursors) in the server's layout."""
    return {"w": charts.W, "h": charts.H, "pad": [charts.PAD_L, charts.PAD_R, charts.PAD_T, charts.PAD_B],
            "colors": list(charts.COLORS)}


def follow_set_value(slider: Any, elem_id: str) -> None:
    """A page-drawn view follows its slider's input events; when the server sets the slider (a Lesson step's "open
    in the full tab"), no such event comes, so this tells the view, in the browser only. While the learner's own
    hand is on the slider (it has the focus) the view already follows it, and nothing is added."""
    slider.change(None, [slider], None, api_name=False, show_progress="hidden", js=f"""(v) => {{
      const r = document.querySelector("#{elem_id} input[type=range]");
      if (!r || document.activeElement === r || !Number.isFinite(Number(v))) return v;
      r.value = String(v);
      r.dispatchEvent(new Event("input", {{bubbles: true}}));
      return v;
    }}""")
