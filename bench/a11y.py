"""Accessibility of every tab as axe-core judges it (issue 47), in English and Chinese, after the tab's main action.

python bench/a11y.py [--url URL] [--langs en,zh-CN]
Starts the app (or uses --url), opens each tab in headless Chromium (1400 x 900), runs its main action (Generate,
Race, a drop of dye) so the result pictures and charts are in the page, then runs axe-core (bundled by the pip
package axe-selenium-python) on the whole page. Prints one row per (tab, rule) and writes bench/results/a11y.json
with every violation's rule id, impact, node count and the first nodes' selectors.
"""
from __future__ import annotations

import argparse
import sys
import time

from common import ROOT, running_app, save, table

sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402  (tests/browser.py: the project's headless Chromium)

# tab -> the button that runs its main action (elem_id) and the element that shows the result
ACTIONS = {"tab_lesson": ("lesson_check", "lesson_pic_0"), "tab_dye": (None, "glass"), "tab_noise": (None, "x_t"), "tab_denoise": ("dn_go", "dn_x0"),
           "tab_steer": ("st_go", "st_x0_mix"), "tab_compare": ("cmp_go", "cmp_gallery")}
AXE_RUN = ("const done = arguments[arguments.length - 1];"
           "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({"
           "id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,"
           "targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))));")


def run_over(d, elem_id: str) -> bool:
    """The run writing into ``elem_id`` has ended: Gradio hides the block's status tracker."""
    return d.execute_script("const s = document.querySelector(`#${arguments[0]} [data-testid=status-tracker]`);"
                            "return !s || s.classList.contains('hide');", elem_id)


def audit(url: str, lang: str) -> list[dict]:
    """Every violation on every tab of the page in ``lang``, after the tab's main action."""
    from axe_selenium_python import Axe

    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    d = browser.chrome(lang, 1400, 900)
    d.set_script_timeout(120)
    rows = []
    try:
        d.get(url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        axe = Axe(d)
        for tab, (button, result) in ACTIONS.items():
            browser.open_tab(d, s[tab])
            if button:
                browser.wait_for(lambda: d.find_elements("css selector", f"#{button}"), timeout=30)
                if tab == "tab_lesson":                                   # a prediction first, then the experiment
                    browser.wait_for(lambda: d.find_elements("css selector", "#lesson_choice label"))[0].click()
                browser.click(d, button)
                browser.wait_for(lambda: d.find_elements("css selector", f"#{result} img"), timeout=180)
                browser.wait_for(lambda: run_over(d, result), timeout=180)      # the next tab's run is not refused
            time.sleep(1)
            axe.inject()
            for v in d.execute_async_script(AXE_RUN):
                rows.append({"lang": lang, "tab": tab, **v})
    finally:
        d.quit()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=None, help="an app already running (default: start one on port 7873)")
    ap.add_argument("--langs", default="en,zh-CN")
    a = ap.parse_args()

    def run(url: str) -> list[dict]:
        return [row for lang in a.langs.split(",") for row in audit(url, lang)]

    if a.url:
        rows = run(a.url)
    else:
        with running_app(7873) as (url, _):
            rows = run(url)
    print(table(rows, ["lang", "tab", "id", "impact", "nodes"]))
    worst = [r for r in rows if r["impact"] in ("critical", "serious")]
    print(f"\n{len(worst)} critical or serious (rule, tab, language) rows of {len(rows)}")
    save("a11y", {"rows": rows, "critical_or_serious": len(worst)})


if __name__ == "__main__":
    main()
