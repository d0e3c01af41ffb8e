"""A corpus of awkward and hostile uploads, built on the fly (nothing binary is committed)."""
import io
import struct
import zlib

import numpy as np
from PIL import Image


def _png(im: Image.Image, **kw) -> bytes:
    b = io.BytesIO()
    im.save(b, "PNG", **kw)
    return b.getvalue()


def _jpeg(im: Image.Image, **kw) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", **kw)
    return b.getvalue()


def bomb_png(w: int = 20000, h: int = 20000) -> bytes:
    """A tiny PNG whose header claims w x h pixels (the data would decompress to 400 MB)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = zlib.compress(b"\x00" * (w // 8 + 1) * 64, 9)       # a few rows of data; the header is what matters
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def rgb(w: int = 64, h: int = 48) -> Image.Image:
    a = np.zeros((h, w, 3), np.uint8)
    a[..., 0] = np.linspace(0, 255, w, dtype=np.uint8)[None]
    a[..., 1] = np.linspace(0, 255, h, dtype=np.uint8)[:, None]
    return Image.fromarray(a)


def exif_rotated_jpeg() -> bytes:
    """A 60 x 20 picture whose EXIF says 'rotate 90': the working image must come out tall."""
    im = rgb(60, 20)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _jpeg(im, exif=exif.tobytes())


def _truncate(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def corpus() -> dict[str, tuple[bytes, str | None]]:
    """name -> (file bytes, expected error code or None if it must load)."""
    good_png = _png(rgb())
    pal = Image.new("P", (32, 32))
    pal.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    pal.paste(1, (8, 8, 24, 24))
    pal_bytes = _png(pal, transparency=0)
    rgba = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (10, 10, 30, 30))
    gif = io.BytesIO()
    frames = [Image.new("P", (30, 30), i) for i in range(3)]
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=50)
    wide = io.BytesIO()
    Image.new("L", (10000, 1), 128).save(wide, "PNG")
    webp, bmp = io.BytesIO(), io.BytesIO()
    rgb().save(webp, "WEBP")
    rgb().save(bmp, "BMP")
    sixteen = Image.fromarray((np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16), "I;16")
    return {
        "empty.png": (b"", "empty"),
        "text_renamed.png": (b"hello, I am not a picture\n" * 20, "not_image"),
        "truncated.png": (good_png[: len(good_png) // 2], "truncated"),
        "truncated.jpg": (_truncate(_jpeg(rgb(200, 200))), "truncated"),
        "bomb.png": (bomb_png(), "too_many_pixels"),
        "cmyk.jpg": (_jpeg(rgb().convert("CMYK")), None),
        "sixteen_bit.png": (_png(sixteen), None),
        "palette_transparent.png": (pal_bytes, None),
        "rgba.png": (_png(rgba), None),
        "exif_rotated.jpg": (exif_rotated_jpeg(), None),
        "animated.gif": (gif.getvalue(), None),
        "one_pixel.png": (_png(Image.new("RGB", (1, 1), (10, 200, 30))), None),
        "wide_10000x1.png": (wide.getvalue(), None),
        "grayscale.png": (_png(rgb().convert("L")), None),
        "photo.webp": (webp.getvalue(), None),
        "photo.bmp": (bmp.getvalue(), None),
    }
