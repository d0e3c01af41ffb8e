"""House rules that code review would otherwise have to remember."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mods = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module.split(".")[0])
    return mods


def test_core_never_imports_gradio_or_ui():
    for path in (ROOT / "diffusion_core").rglob("*.py"):
        bad = imported_modules(path) & {"gradio", "gradio_client", "ui", "app"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_ui_does_no_tensor_math():
    for path in (ROOT / "ui").rglob("*.py"):
        assert "torch" not in imported_modules(path), f"{path.relative_to(ROOT)} imports torch"


def test_every_language_has_every_string():
    """Each language the app finds (every ui/strings_*.py with a LANGUAGE) has every English key, none empty, with
    the same {placeholders}; English and Chinese are found."""
    import string

    from ui.i18n import EN, LANGUAGES

    assert [lang.code for lang in LANGUAGES][:1] == ["en"] and "zh-CN" in [lang.code for lang in LANGUAGES]
    fields = lambda s: {f.split("|")[0] for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for lang in LANGUAGES[1:]:
        assert set(EN) == set(lang.strings), f"{lang.code} missing: {set(EN) ^ set(lang.strings)}"
        for key in EN:
            assert lang.strings[key].strip(), (lang.code, key)
            assert fields(EN[key]) == fields(lang.strings[key]), (lang.code, key)


def test_a_third_language_is_one_strings_file(tmp_path, monkeypatch):
    """A module ui/strings_xx.py with a LANGUAGE is found: the server answers in it (by Accept-Language prefix), the
    page's I18n has it, and locale.js gets its tab labels."""
    import importlib
    import shutil
    import sys

    import ui
    from ui.i18n import EN

    pkg = tmp_path / "ui"
    shutil.copytree(ROOT / "ui", pkg)
    fake = {k: f"[xx] {v}" for k, v in EN.items()}
    (pkg / "strings_xx.py").write_text("from .language import Language\n"
                                      f"LANGUAGE = Language('xx-YY', 'xx', {fake!r})\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    for name in [m for m in sys.modules if m == "ui" or m.startswith("ui.")]:
        monkeypatch.delitem(sys.modules, name)
    try:
        i18n = importlib.import_module("ui.i18n")
        assert i18n.LANGS == ("en", "xx-YY", "zh-CN")

        class Request:
            headers = {"accept-language": "xx-ZZ,en;q=0.5"}
        assert i18n.lang_of(Request()) == "xx-YY" and i18n.tr("tab_dye", "xx-YY") == fake["tab_dye"]
        assert f'"{fake["tab_dye"]}"' in i18n.LOCALE_HEAD
    finally:                         # the copies go; monkeypatch puts the app's own modules back
        for name in [m for m in sys.modules if m == "ui" or m.startswith("ui.")]:
            del sys.modules[name]
    assert ui.__file__.startswith(str(ROOT))


def test_english_counts_agree_with_their_nouns():
    from ui.i18n import tr

    assert tr("dn_done", "en", n=1, nfe=1, secs=0.5) == "Done: 1 step, 1 network call, 0.50 s."
    assert tr("dn_done", "en", n=2, nfe=3, secs=0.5) == "Done: 2 steps, 3 network calls, 0.50 s."
    assert "1 步" in tr("dn_done", "zh-CN", n=1, nfe=1, secs=0.5)


def test_files_stay_small():
    for path in list((ROOT / "diffusion_core").rglob("*.py")) + list((ROOT / "ui").rglob("*.py")) + [ROOT / "app.py"]:
        if path.name.startswith("strings_"):
            continue
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 330, f"{path.relative_to(ROOT)} has {n} lines"


def ui_sources() -> dict[Path, str]:
    """Every UI file that may name a string key (the string tables themselves left out)."""
    paths = [*(ROOT / "ui").glob("*.py"), *(ROOT / "ui").glob("*.js"), ROOT / "app.py"]
    return {p: p.read_text(encoding="utf-8") for p in paths if not p.name.startswith("strings_")}


def test_every_string_key_used_exists():
    """Every T("key") / tr("key", ...) in the UI names a real string."""
    import re

    from ui.strings_en import EN

    for path, text in ui_sources().items():
        if path.name == "i18n.py":                   # defines T and tr (its docstrings show T("key"))
            continue
        for key in re.findall(r'\b(?:T|tr)\("([a-z0-9_]+)"', text):
            assert key in EN, f"{path.name}: unknown string key {key!r}"


def test_every_string_is_used():
    """Every key of the string tables is named in the UI: as a quoted literal, or by an f-string that builds it
    (f"lesson_{key}_title")."""
    import re

    from ui.strings_en import EN

    text = "\n".join(ui_sources().values())
    key_like = re.compile(r"^(?:[a-z0-9_]|\{[^{}]*\})+$")             # key characters and {fields}, nothing else
    built = [re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[a-z0-9_]+", re.escape(lit)) + "$")
             for pair in re.findall(r'f"([^"]*)"|f\'([^\']*)\'', text) for lit in pair
             if key_like.match(lit) and re.sub(r"\{[^{}]*\}", "", lit)]    # at least one character of its own
    unused = [k for k in EN if f'"{k}"' not in text and f"'{k}'" not in text and not any(b.match(k) for b in built)]
    assert unused == [], f"string keys nothing uses: {unused}"


def test_the_student_is_described_as_its_recipe_builds_it():
    """The Denoise tab says the student is no U (one grid size) on a grid of patches, with attention: the recipe's."""
    from diffusion_core.models.recipes import DIGITS_STUDENT
    from ui.strings_en import EN
    from ui.strings_zh import ZH

    unet = DIGITS_STUDENT.unet
    p = unet.patch
    g = 28 // p                                                       # MNIST's 28 x 28 in patches of p x p
    assert unet.channel_mults == (1,) and unet.attention, "one grid size, with attention"
    assert f"{g} × {g} grid of {p} × {p} patches" in EN["student_head"]
    assert f"{g} × {g} 个 {p} × {p} 的小块" in ZH["student_head"]


def nested_functions(path: Path, outer: str) -> list[str]:
    """The functions defined inside the module-level function ``outer`` of a file (lambdas aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == outer)
    return [n.name for n in ast.walk(fn) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not fn]


def test_every_build_is_layout_only():
    """Every tab's and section's build() defines no handler: they are module-level functions (bound to the app's
    context), as in Gradio's own demos."""
    builders = [p for p in sorted((ROOT / "ui").glob("*.py")) if "\ndef build(" in p.read_text(encoding="utf-8")]
    assert len(builders) >= 9, [p.name for p in builders]          # six tabs, the reform section, two labs
    for path in builders:
        assert nested_functions(path, "build") == [], f"{path.name}: handlers inside build()"


def test_a_bound_handler_reads_to_gradio_as_the_function_written_out():
    """context.bound: the signature less ctx (and the arguments given with it), gr.Request and gr.Progress found, a
    generator still a generator."""
    import inspect

    import gradio as gr
    from gradio.helpers import special_args

    from ui.context import bound

    def run(ctx, a, b, request: gr.Request, progress=gr.Progress()):
        yield ctx, a, b, request

    def one(ctx, a, request: gr.Request = None):
        return ctx, a, request

    streamed, single = bound(run, "CTX"), bound(one, "CTX")
    assert list(inspect.signature(streamed).parameters) == ["a", "b", "request", "progress"]
    assert inspect.isgeneratorfunction(streamed) and not inspect.isgeneratorfunction(single)
    args, progress_index, _, _ = special_args(streamed, [1, 2], request=None)
    assert progress_index == 3 and len(args) == 4, "the request and progress slots are found where Gradio looks"
    assert next(streamed(1, 2, "REQ")) == ("CTX", 1, 2, "REQ")
    assert single(5, request="REQ") == ("CTX", 5, "REQ")
    known = bound(one, "CTX", "WIRING")                # leading arguments the wiring knows are filled in too
    assert list(inspect.signature(known).parameters) == ["request"] and known(request="REQ") == ("CTX", "WIRING", "REQ")


def test_the_readmes_map_names_every_module():
    """The README's map of the code ("How it is built") names every module of diffusion_core/ and ui/."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## How it is built\n+```\n(.*?)```", text, re.S).group(1)
    files = [*(ROOT / "diffusion_core").rglob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "ui").glob("*.js")]
    missing = [str(p.relative_to(ROOT)) for p in files if p.name != "__init__.py" and p.name not in block]
    assert missing == [], f"not in the README's map: {missing}"
