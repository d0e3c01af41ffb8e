"""The digits models a learner can pick ("teacher" or "student"), shared by the Denoise and Compare tabs."""
from __future__ import annotations

from typing import Any

from diffusion_core.models.quality import meets_goals

from . import validate
from .components import RawRadio
from .context import AppContext
from .i18n import T

NETS = (("teacher", "digits"), ("student", "digits_student"))       # (key the learner picks, shipped model)


def nets_of(ctx: AppContext) -> dict[str, Any]:
    """The digits models a learner can pick, by key: the served nets ("teacher") and, where it ships, the small
    student distilled from them ("student"). The student learned the teacher's eps at the teacher's timesteps, so the
    tabs run both on the teacher's schedule."""
    return {key: ctx.models[name] for key, name in NETS if name in ctx.models}


def model_name(key: str) -> str:
    """The shipped model behind a key ("teacher" -> "digits")."""
    return dict(NETS)[key]


def picked_key(nets: dict[str, Any], value: Any, lang: str) -> str:
    """The key the learner picked (checked: an API caller can send anything)."""
    return validate.choice(value, tuple(nets), "net", lang)


def pick(nets: dict[str, Any], value: Any, lang: str) -> Any:
    """The model the learner picked (checked: an API caller can send anything)."""
    return nets[picked_key(nets, value, lang)]


def default_key(nets: dict[str, Any]) -> str:
    """The model a learner starts on: the student where it ships and its bundle's DDIM-50 figures meet the digits
    goals (it draws as well and many times faster), else the teacher."""
    figures = nets["student"].figures("quality").get("ddim_50") if "student" in nets else None
    return "student" if figures and meets_goals(figures) else "teacher"


def net_radio(nets: dict[str, Any], info_key: str, elem_id: str) -> RawRadio:
    """The Model choice, shown only when there is a choice."""
    return RawRadio([(T(f"net_{key}"), key) for key in nets], value=default_key(nets), label=T("net"),
                    info=T(info_key), visible=len(nets) > 1, elem_id=elem_id)
