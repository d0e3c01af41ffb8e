"""A language the app speaks. A module ui/strings_XX.py that defines ``LANGUAGE = Language(...)`` adds one: ui/i18n.py
finds it, and the server's answers, the page's strings, its tab labels, its pop-up titles (ui/locale.js) and the
tests that every language has every key all follow."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str                        # as Gradio's I18n and a browser name it: "en", "zh-CN"
    prefix: str                      # a browser language that starts with this gets it ("zh": zh, zh-Hans, zh-HK)
    strings: dict[str, str]          # every key of strings_en.py
    gradio: dict[str, str] = field(default_factory=dict)         # Gradio's own strings it lacks in this language
    toast_titles: dict[str, str] = field(default_factory=dict)   # pop-up titles ("Error") Gradio writes in English
    page_codes: tuple[str, ...] = ()     # browser languages Gradio's page already shows in this language by itself
