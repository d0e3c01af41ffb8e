"""The Add-noise tab's inputs, checked on the server: the photo, t, the schedule and the seed (its reform section's
too)."""
from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np

from diffusion_core.media.images import ImageError, load_image

from . import validate
from .context import AppContext
from .i18n import tr

KINDS = ("linear", "cosine")


def photo_or_error(path: Any, lang: str) -> np.ndarray:
    """The working image of an upload, or gr.Error in the learner's language."""
    if path is None or path == "":
        raise gr.Error(tr("err_no_image", lang))
    if not isinstance(path, str):
        raise gr.Error(tr("err_img_not_image", lang))
    try:
        return load_image(path)
    except ImageError as e:
        raise gr.Error(tr(f"err_img_{e.code}", lang, **e.params)) from None


def check_image_state(image: Any, ctx: AppContext) -> np.ndarray:
    """The session's working image; the default photo until the learner picks one."""
    ok = isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8
    return image if ok else ctx.default_photo


def common_args(t: Any, kind: Any, seed: Any, lang: str, ctx: AppContext) -> tuple[int, Any, int]:
    k = validate.number(t, "t_slider", 0, 1000, lang)
    return (k, *schedule_and_seed(kind, seed, lang, ctx))


def schedule_and_seed(kind: Any, seed: Any, lang: str, ctx: AppContext) -> tuple[Any, int]:
    kind = validate.choice(kind, KINDS, "schedule_kind", lang)
    return ctx.schedules[kind], validate.seed(seed, lang)
