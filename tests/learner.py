"""A stand-in for the gr.Request a handler is given: only the browser's language, all that ui.i18n.lang_of reads."""
import types


def request_in(lang: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(headers={"accept-language": lang})
