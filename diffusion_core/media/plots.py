"""Matplotlib set-up for exported figures: headless backend and a CJK-capable font when one is installed."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC",
             "Microsoft YaHei", "PingFang SC", "SimHei")


def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in installed), None)


def new_figure(w: float, h: float):
    """A figure and axes whose text can be Chinese (falls back to DejaVu Sans for Latin)."""
    font = cjk_font()
    plt.rcParams["font.sans-serif"] = ([font] if font else []) + ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(w, h))
    return fig, ax


def cjk_font_path() -> str | None:
    """The file of an installed font with Chinese glyphs (for drawing the character 扩), or None: its regular
    weight (font_manager lists a family's files in the order it found them on disk, the bold one first on some
    machines)."""
    name = cjk_font()
    if name is None:
        return None
    return font_manager.findfont(font_manager.FontProperties(family=name, weight="normal", style="normal"),
                                 fallback_to_default=False)
