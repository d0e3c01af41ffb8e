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



# Page-drawn views follow their slider's input events; a value the server sets (the Lesson's "Open in the full tab")
# comes with none. Run once after such a set (a .then(js=...)): each slider tells its view, in the browser only,
# after the page has drawn the new values.
NUDGE_SLIDERS_JS = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (const id of ["t_slider", "dye_t"]) {
    const r = document.querySelector(`#${id} input[type=range]`);
    if (r) r.dispatchEvent(new Event("input", {bubbles: true}));
  }
}"""
