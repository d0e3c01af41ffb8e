"""Safe loading of uploaded images, and conversions between uint8 pictures and model tensors.

``load_image`` turns whatever a learner drops in (PNG, JPEG, WebP, BMP, GIF; 16-bit, CMYK,
palette, grayscale, with or without alpha, rotated by EXIF) into an RGB uint8 working image,
or raises ImageError with a code the UI translates. The pixel count is checked from the
header, before any pixel is decoded, so a decompression bomb costs nothing.
"""
from __future__ import annotations

import base64
import binascii
import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..paths import ROOT

MAX_BYTES = 20 * 1024 * 1024          # 20 MB: larger uploads are refused before reading
MAX_PIXELS = 50_000_000               # 50 megapixels (a big phone photo); checked from the header
MAX_ASPECT = 4.0                      # wider or taller images are centre-cropped to 4:1
WORK_SIZE = 256                       # longest side of the working image
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "BMP", "GIF", "MPO"}
BACKGROUND = (255, 255, 255)          # transparent pixels are composited onto white

# PIL's own bomb guard raises at 2x its limit; ours is lower and gives a clear message first.
Image.MAX_IMAGE_PIXELS = 2 * MAX_PIXELS


class ImageError(ValueError):
    """A bad upload. ``code`` names the problem for translation; ``params`` fill its message."""

    def __init__(self, code: str, message: str, **params: object):
        super().__init__(message)
        self.code = code
        self.params = params


def read_upload(source: str | os.PathLike | bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """The upload's bytes, from a path, raw bytes, or a ``data:`` URL; size checked before reading."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, str) and source.startswith("data:"):
        head, _, payload = source.partition(",")
        if len(payload) * 3 // 4 > max_bytes:
            raise ImageError("too_big", f"file is larger than {max_bytes // 2**20} MB", mb=max_bytes // 2**20)
        try:
            data = base64.b64decode(payload, validate=False) if ";base64" in head else payload.encode()
        except (binascii.Error, ValueError) as e:
            raise ImageError("not_image", "the data URL is not valid base64") from e
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ImageError("not_image", "no such file")
        if path.stat().st_size > max_bytes:
            raise ImageError("too_big", f"file is larger than {max_bytes // 2**20} MB", mb=max_bytes // 2**20)
        data = path.read_bytes()
    else:
        raise ImageError("not_image", f"cannot read an image from {type(source).__name__}")
    if len(data) > max_bytes:
        raise ImageError("too_big", f"file is larger than {max_bytes // 2**20} MB", mb=max_bytes // 2**20)
    if not data:
        raise ImageError("empty", "the file is empty")
    return data


def load_image(source: str | os.PathLike | bytes, size: int = WORK_SIZE, *, max_pixels: int = MAX_PIXELS,
               max_bytes: int = MAX_BYTES) -> np.ndarray:
    """Decode an upload into an RGB working image uint8 [H, W, 3], longest side ``size``, sides multiples of 8."""
    data = read_upload(source, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageError("too_many_pixels", "the image has too many pixels", mp=max_pixels // 1_000_000) from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ImageError("not_image", "this file is not an image we can read") from e
    if im.format not in ALLOWED_FORMATS:
        raise ImageError("format", f"{im.format} images are not supported", fmt=str(im.format))
    w, h = im.size
    if w < 1 or h < 1 or w * h > max_pixels:
        raise ImageError("too_many_pixels", f"{w} x {h} pixels is more than we accept", mp=max_pixels // 1_000_000)
    try:
        if im.format == "JPEG":
            im.draft("RGB", (2 * size, 2 * size))   # decode big JPEGs at a reduced scale: fast and small
        im.seek(0)                                  # first frame of an animation
        im.load()
        im = ImageOps.exif_transpose(im)
        rgb = to_rgb(im)
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise ImageError("truncated", "the image is damaged or cut short") from e
    return fit_working_size(rgb, size)


def to_rgb(im: Image.Image) -> Image.Image:
    """Any PIL mode -> RGB: 16-bit and float scaled to 8 bits, alpha composited onto white."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        hi = 65535.0 if im.mode.startswith("I;16") or arr.max() > 255 else 255.0
        if im.mode == "F" and arr.max() <= 1.0:
            hi = 1.0
        im = Image.fromarray(np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("LA", "La", "PA", "RGBa") or (im.mode == "L" and "transparency" in im.info):
        im = im.convert("RGBA")
    if im.mode == "RGBA":
        base = Image.new("RGB", im.size, BACKGROUND)
        base.paste(im, mask=im.getchannel("A"))
        return base
    return im.convert("RGB")


def fit_working_size(im: Image.Image, size: int = WORK_SIZE) -> np.ndarray:
    """Centre-crop to at most MAX_ASPECT, scale the longest side to ``size`` (up or down), sides to multiples of 8."""
    w, h = im.size
    if w > MAX_ASPECT * h:
        cw = max(1, int(MAX_ASPECT * h))
        im = im.crop(((w - cw) // 2, 0, (w - cw) // 2 + cw, h))
    elif h > MAX_ASPECT * w:
        ch = max(1, int(MAX_ASPECT * w))
        im = im.crop((0, (h - ch) // 2, w, (h - ch) // 2 + ch))
    w, h = im.size
    scale = size / max(w, h)
    nw, nh = (max(8, int(round(v * scale / 8)) * 8) for v in (w, h))
    if (nw, nh) != (w, h):
        resample = Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC
        im = im.resize((nw, nh), resample, reducing_gap=3.0 if scale < 0.5 else None)
    return np.asarray(im, dtype=np.uint8).copy()


EXAMPLES_DIR = ROOT / "assets" / "examples"


def example_photos() -> list[Path]:
    """The bundled example photos (assets/examples/*.jpg), sorted by name."""
    return sorted(EXAMPLES_DIR.glob("*.jpg"))
