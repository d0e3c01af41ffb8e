"""Every user-visible string, in each language the app speaks (ui/language.py; English and Simplified Chinese).

Components get ``T("key")`` (a gr.I18n key the browser translates); text made on the server
(errors, captions, chart labels) uses ``tr("key", lang)`` with the language of the request.
A language is one module ui/strings_XX.py that defines ``LANGUAGE``: it is found here, and everything follows.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import gradio as gr

from . import gradio_compat
from .language import Language
from .strings_en import EN
from .strings_zh import ZH  # noqa: F401 - the tests' handle on the Chinese strings


def _languages() -> tuple[Language, ...]:
    """Every ui/strings_*.py module's LANGUAGE, English first."""
    found = {}
    for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module.startswith("strings_"):
            lang = getattr(importlib.import_module(f"{__package__}.{module}"), "LANGUAGE", None)
            if lang is not None:
                found[lang.code] = lang
    return (found.pop("en"), *found.values())


LANGUAGES = _languages()
LANGS = tuple(lang.code for lang in LANGUAGES)
STRINGS: dict[str, dict[str, str]] = {lang.code: lang.strings for lang in LANGUAGES}

# each language also under its prefix ("zh"): a zh-TW page (Gradio's own strings in Traditional Chinese) looks our
# keys up there. Gradio's own strings it has none of in a language go along.
I18N = gr.I18n(**{code: {**lang.strings, **lang.gradio} for lang in LANGUAGES
                  for code in dict.fromkeys((lang.code, lang.prefix))})

# launch(head=...): switches a page to its language where Gradio would not, relabels tabs and pop-up titles (see
# the script); Gradio's internals it relies on come from ui/gradio_compat.py
_PAGE_LANGUAGES = [{"code": lang.code, "prefix": lang.prefix, "pageCodes": list(lang.page_codes),
                    "tabLabels": {EN[k]: lang.strings[k] for k in EN if k.startswith("tab_")},
                    "toastTitles": lang.toast_titles} for lang in LANGUAGES[1:]]
_LOCALE_JS = {"__LANGUAGES__": json.dumps(_PAGE_LANGUAGES, ensure_ascii=False),
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
    """The learner's language from the browser's Accept-Language header: the first tag's language (by its prefix,
    so "zh-Hans" is "zh-CN"), else English."""
    if request is None:
        return "en"
    try:
        header = (request.headers.get("accept-language") or "").lower()
    except Exception:
        return "en"
    first = header.split(",")[0].strip()
    return next((lang.code for lang in LANGUAGES[1:] if first.startswith(lang.prefix.lower())), "en")


PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")      # "{n|step|steps}": the word for n = 1 | otherwise


def tr(key: str, lang: str = "en", **params: object) -> str:
    """The string ``key`` in ``lang`` (English if missing), with {params} filled in and "{n|one|many}" made
    "one" when n == 1, else "many"."""
    text = STRINGS.get(lang, EN).get(key) or EN[key]
    if not params:
        return text
    return PLURAL.sub(lambda m: m[2] if params.get(m[1]) == 1 else m[3], text).format(**params)


def in_every_language(key: str, **params: object) -> str:
    """The string ``key`` in each language, a paragraph each: for text made once, before any request says whose
    language to use (a part of the app that is switched off, and why)."""
    return "\n\n".join(tr(key, lang, **params) for lang in LANGS)


def duration(secs: float, lang: str) -> str:
    """0.4 s, 12.0 s, 3 min 20 s, in the learner's language."""
    if secs < 60:
        return tr("dur_s", lang, s=secs)
    whole = int(round(secs))
    return tr("dur_min", lang, m=whole // 60, s=whole % 60)
