"""Server-side checks of handler arguments; failures become gr.Error in the learner's language."""
from __future__ import annotations

import math
from typing import Any, Sequence

import gradio as gr

from .i18n import tr

MAX_SEED = 2**31 - 1          # every seed box's largest value (torch.Generator takes any 64-bit seed; this fits JS)


def number(value: Any, name_key: str, lo: float, hi: float, lang: str, *, integer: bool = True) -> int | float:
    """``value`` as a finite number in [lo, hi] (rounded when ``integer``), else gr.Error."""
    name = tr(name_key, lang)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise gr.Error(tr("err_number", lang, name=name, value=repr(value)[:40])) from None
        else:
            raise gr.Error(tr("err_number", lang, name=name, value=type(value).__name__))
    if not math.isfinite(value):
        raise gr.Error(tr("err_finite", lang, name=name))
    if not lo <= value <= hi:
        raise gr.Error(tr("err_range", lang, name=name, lo=lo, hi=hi, value=value))
    return int(round(value)) if integer else float(value)


def seed(value: Any, lang: str) -> int:
    """A seed box's value: a whole number in [0, MAX_SEED], else gr.Error."""
    return number(value, "seed", 0, MAX_SEED, lang)


def choice(value: Any, choices: Sequence[str], name_key: str, lang: str) -> str:
    """``value`` if it is one of ``choices``, else gr.Error."""
    if not isinstance(value, str) or value not in choices:
        raise gr.Error(tr("err_choice", lang, name=tr(name_key, lang), choices=", ".join(choices)))
    return value
