"""Components whose raw payload reaches the handler, so the handler (not Gradio) checks it.

Gradio's own checks answer in English only (and a NaN slips past a slider's bounds); ours
answer in the learner's language. ``is_template`` keeps the stock front-end component.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
from pydantic import ValidationError

from diffusion_core.media.frames import encode_fast

from .gradio_compat import ImageData, hash_bytes
from .i18n import T


class _LenientImageData(ImageData):
    """ImageData that turns a malformed payload (NaN, a number, junk keys) into an empty one, so the
    handler, not Gradio's English-only validation message, tells the learner it is not an image."""

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> "_LenientImageData":
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError:
            return cls()


class UploadImage(gr.Image):
    """gr.Image that hands the handler the uploaded file's path (or data: URL) undecoded."""

    is_template = True   # no __init__ override: Gradio reads the front-end props from the signature
    data_model = _LenientImageData

    def preprocess(self, payload: Any) -> str | None:
        if payload is None:
            return None
        url = getattr(payload, "url", None)
        if isinstance(url, str) and url.startswith("data:"):
            return url                       # images.read_upload checks its size before decoding
        path = getattr(payload, "path", None)
        return str(path) if path else ""   # a payload without a file: the loader answers "not an image"


def described_by(status_id: str) -> str:
    """An elem_class for a result picture whose status line (the Markdown with elem_id ``status_id``) says what it
    shows now: ui/a11y.js gives the picture the alt text "<its label>: <the status>" (Gradio's own alt text is
    fixed at build time, and an update carrying one would change what API callers receive)."""
    return f"described-by-{status_id}"


class FastImage(gr.Image):
    """An output gr.Image that stores arrays as lossless WebP at the fastest setting: every slider move
    and streamed frame is encoded, and Gradio's PNG was most of a slider move's server time."""

    is_template = True

    def postprocess(self, value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.dtype == np.uint8 and value.ndim in (2, 3):
            data = encode_fast(value)
            folder = Path(self.GRADIO_CACHE) / hash_bytes(data)              # Gradio's own cache layout
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "image.webp"
            if not path.exists():
                path.write_bytes(data)
            value = str(path)
        return super().postprocess(value)


class _Raw:
    """Mixin: pass the payload on unchecked; the handler validates it (NaN, inf, strings, range, choices)."""

    def get_block_name(self) -> str:
        """The stock Gradio component this one renders as (e.g. "slider")."""
        return next(c for c in type(self).__mro__ if c.__module__.startswith("gradio.")).__name__.lower()

    def preprocess(self, payload: Any) -> Any:
        return payload


class RawSlider(_Raw, gr.Slider):
    """gr.Slider whose value reaches the handler unchecked."""


class RawNumber(_Raw, gr.Number):
    """gr.Number whose value reaches the handler unchecked."""


class RawRadio(_Raw, gr.Radio):
    """gr.Radio whose value reaches the handler unchecked."""


class RawDropdown(_Raw, gr.Dropdown):
    """gr.Dropdown whose value reaches the handler unchecked."""


class RawCheckboxGroup(_Raw, gr.CheckboxGroup):
    """gr.CheckboxGroup whose value reaches the handler unchecked."""


def under_the_hood(elem_id: str) -> gr.Accordion:
    """A tab's one folded "Under the hood" section: the machinery that serves quality and speed (which nets, how
    they are guided, distilled or split by time), for the curious, kept out of the story the tab tells."""
    return gr.Accordion(T("hood"), open=False, elem_id=elem_id)


def lab_outputs(status_id: str, pictures: dict[str, str], height: int) -> tuple[gr.HTML, gr.Markdown, list[FastImage]]:
    """A 2-D lab's outputs: its loss chart and status side by side on a wide screen (one above the other on a
    phone), then a row of pictures (elem_id -> label) that the status describes."""
    with gr.Row():
        with gr.Column(min_width=320):
            loss = gr.HTML()
        with gr.Column(min_width=320):
            status = gr.Markdown(elem_id=status_id)
    with gr.Row():
        pics = [FastImage(label=label, format="png", height=height, interactive=False, elem_id=pic_id,
                          elem_classes=[described_by(status_id)]) for pic_id, label in pictures.items()]
    return loss, status, pics
