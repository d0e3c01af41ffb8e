"""How deep each explanation goes (issue 44): Intuition, Mechanism or Maths, picked once at the top of the page and
remembered in the browser.

Every tab writes its explanation in layers: the story (always shown), then ``mechanism(key)`` and ``maths(key)``
blocks. The choice is the browser's alone: a script stores it (localStorage) and marks the page
(``<html data-depth="...">``); ui/page.css shows the layers up to the chosen depth. No server call, so changing it
is instant and a class of 40 costs the server nothing; before the script runs (or without it) the page shows the
default, Intuition."""
from __future__ import annotations

import gradio as gr

from .i18n import T

DEPTHS = ("intuition", "mechanism", "maths")
DEFAULT = "intuition"
STORAGE_KEY = "diffusion_classroom_depth"

# the page's mark and the stored choice follow the radio; an unknown stored value falls back to the default
_SET = f"""(d) => {{
  const depth = {list(DEPTHS)!r}.includes(d) ? d : {DEFAULT!r};
  document.documentElement.dataset.depth = depth;
  try {{ localStorage.setItem({STORAGE_KEY!r}, depth); }} catch (e) {{}}
  return depth;
}}"""
_RESTORE = f"""() => {{
  let d = null;
  try {{ d = localStorage.getItem({STORAGE_KEY!r}); }} catch (e) {{}}
  const depth = {list(DEPTHS)!r}.includes(d) ? d : {DEFAULT!r};
  document.documentElement.dataset.depth = depth;
  return depth;
}}"""


def depth_choice(demo: gr.Blocks) -> gr.Radio:
    """The page's depth radio (elem_id ``depth``), wired in the browser only (no server function, no API)."""
    radio = gr.Radio([(T(f"depth_{d}"), d) for d in DEPTHS], value=DEFAULT, label=T("depth"), elem_id="depth",
                     min_width=300)
    radio.change(None, [radio], [radio], js=_SET, api_name=False, show_progress="hidden")
    demo.load(None, None, [radio], js=_RESTORE, api_name=False, show_progress="hidden")
    return radio


def mechanism(key: str, **kw) -> gr.Markdown:
    """The string ``key`` as a block shown from the Mechanism depth on."""
    return gr.Markdown(T(key), elem_classes=["depth-mechanism"], **kw)


def maths(key: str, **kw) -> gr.Markdown:
    """The string ``key`` as a block shown at the Maths depth only."""
    return gr.Markdown(T(key), elem_classes=["depth-maths"], **kw)


LATEX = [{"left": "$$", "right": "$$", "display": True}]      # a formula on a line of its own


def explained(intro: str, prefix: str) -> None:
    """A tab's explanation in layers: its story ``intro`` (always shown), then ``{prefix}_mechanism`` and
    ``{prefix}_maths`` at their depths."""
    gr.Markdown(T(intro))
    mechanism(f"{prefix}_mechanism")
    maths(f"{prefix}_maths", latex_delimiters=LATEX)
