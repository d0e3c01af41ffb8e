"""Every user-visible string, in English and Simplified Chinese.

Components get ``T("key")`` (a gr.I18n key the browser translates); text made on the server
(errors, captions, chart labels) uses ``tr("key", lang)`` with the language of the request.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import gradio as gr

from . import gradio_compat
from .strings_en import EN
from .strings_zh import GRADIO_ZH, TOAST_TITLES_ZH, ZH

LANGS = ("en", "zh-CN")
STRINGS: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH}

# "zh" too: a zh-TW page (Gradio's own strings in Traditional Chinese) looks our keys up there. Gradio's own strings
# it has no Chinese for go along.
_ZH_ALL = {**ZH, **GRADIO_ZH}
I18N = gr.I18n(en=EN, **{"zh-CN": _ZH_ALL, "zh": _ZH_ALL})

# launch(head=...): a browser that reports "zh", "zh-Hans" or "zh-HK" gets the Chinese page (see the script)
_TAB_LABELS = json.dumps({EN[k]: ZH[k] for k in EN if k.startswith("tab_")}, ensure_ascii=False)
_LOCALE_JS = {"__TAB_LABELS__": _TAB_LABELS, "__TOAST_TITLES__": json.dumps(TOAST_TITLES_ZH, ensure_ascii=False),
              **{f"__{name}__": json.dumps(getattr(gradio_compat, name)) for name in
                 ("CORE_BUNDLE", "CHANGE_LOCALE", "TOAST_TITLE")}}
LOCALE_HEAD = "<script>\n" + re.sub("|".join(_LOCALE_JS), lambda m: _LOCALE_JS[m.group(0)],
                                     Path(__file__).with_name("locale.js").read_text(encoding="utf-8")) + "</script>"


def T(key: str) -> gr.I18nData:  # noqa: N802 - reads like the gettext _()
    """A translated string for a component label, info or value."""
    if key not in EN:
        raise KeyError(f"no string {key!r} in ui/strings_en.py")
    return I18N(key)


def lang_of(request: gr.Request | None) -> str:
    """The learner's language from the browser's Accept-Language header: "zh-CN" or "en"."""
    if request is None:
        return "en"
    try:
        header = (request.headers.get("accept-language") or "").lower()
    except Exception:
        return "en"
    first = header.split(",")[0].strip()
    return "zh-CN" if first.startswith("zh") else "en"


PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")      # "{n|step|steps}": the word for n = 1 | otherwise


def tr(key: str, lang: str = "en", **params: object) -> str:
    """The string ``key`` in ``lang`` (English if missing), with {params} filled in and "{n|one|many}" made
    "one" when n == 1, else "many"."""
    text = STRINGS.get(lang, EN).get(key) or EN[key]
    if not params:
        return text
    return PLURAL.sub(lambda m: m[2] if params.get(m[1]) == 1 else m[3], text).format(**params)


def duration(secs: float, lang: str) -> str:
    """0.4 s, 12.0 s, 3 min 20 s, in the learner's language."""
    if secs < 60:
        return tr("dur_s", lang, s=secs)
    whole = int(round(secs))
    return tr("dur_min", lang, m=whole // 60, s=whole % 60)
