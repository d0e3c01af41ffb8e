"""Every tab's main path by keyboard alone (issue 47): Tab to each control, Enter on buttons and tabs, arrow keys and
Page Up on sliders, the dye dropped by its coordinates form; whatever has the focus wears a visible ring. No click
and no script that changes the page: the keys are sent to whatever has the focus, as a person's would be."""
import re
import time

import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")

# the focused element, described: tag, role, type, its text or name, and the ids of it and the blocks it sits in
FOCUSED = """
const e = document.activeElement, ids = [];
for (let a = e; a; a = a.parentElement) if (a.id) ids.push(a.id);
return {tag: e.tagName, role: e.getAttribute('role'), type: e.type || '', ids,
        text: (e.getAttribute('aria-label') || e.textContent || '').trim(),
        ring: getComputedStyle(e).outlineStyle !== 'none' && parseFloat(getComputedStyle(e).outlineWidth) >= 2};
"""

# no output waits for a run: every status tracker hidden (a run's own turns "hide" when it ends)
def visible(d) -> str:
    return d.execute_script("return document.body.innerText")


IDLE = "return [...document.querySelectorAll('.wrap.default')].every(w => w.classList.contains('hide'))"


def keys(d, *k) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(d).send_keys(*k).perform()


def tab_to(d, wanted, what: str, limit: int = 200) -> dict:
    """Press Tab until the focused element is ``wanted`` (a test on FOCUSED's answer); it must show a focus ring."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        keys(d, Keys.TAB)
        f = d.execute_script(FOCUSED)
        if wanted(f):
            assert f["ring"], f"{what} has the focus but shows no focus ring"
            return f
    raise AssertionError(f"{limit} presses of Tab never reached {what}")


def open_tab_by_keys(d, name: str) -> None:
    from selenium.webdriver.common.keys import Keys

    tab_to(d, lambda f: f["role"] == "tab" and f["text"] == name, f"the tab {name!r}")
    keys(d, Keys.ENTER)
    browser.wait_for(lambda: d.execute_script(
        "return [...document.querySelectorAll('button[role=tab]')].some(b => b.textContent.trim() === arguments[0] "
        "&& b.getAttribute('aria-selected') === 'true')", name), timeout=30)


def test_every_tabs_main_path_by_keys_alone(app_url):
    from selenium.webdriver.common.keys import Keys

    from ui.i18n import EN as s

    with browser.opened(app_url, "en", 1400, 1000) as d:
        d.execute_script("document.activeElement.blur()")

        # Add noise: the t slider by arrow keys (one step) and Page Up (50 steps), the picture following
        open_tab_by_keys(d, s["tab_noise"])
        tab_to(d, lambda f: f["type"] == "range" and "t_slider" in f["ids"], "the t slider")
        slider = browser.slider_input(d, "t_slider")
        t0, before = int(slider.get_attribute("value")), browser.image_src(d, "x_t")
        keys(d, Keys.ARROW_RIGHT)
        browser.wait_for(lambda: browser.image_src(d, "x_t") != before, timeout=10)
        keys(d, Keys.PAGE_UP)
        browser.wait_for(lambda: int(slider.get_attribute("value")) == t0 + 1 + 50, timeout=10)

        # Dye: open the coordinates form, move x by arrow keys, drop the dye there
        open_tab_by_keys(d, s["tab_dye"])
        glass = browser.wait_for(lambda: browser.image_src(d, "glass"), timeout=30)
        tab_to(d, lambda f: f["tag"] == "BUTTON" and s["dye_drop_keys"] in f["text"], "the coordinates form")
        keys(d, Keys.ENTER)
        x = tab_to(d, lambda f: f["type"] == "range" and s["dye_x"] in f["text"], "the x slider")
        for _ in range(10):
            keys(d, Keys.ARROW_RIGHT)
        assert x
        tab_to(d, lambda f: f["tag"] == "BUTTON" and f["text"] == s["dye_drop_btn"], "Drop dye here")
        keys(d, Keys.ENTER)
        browser.wait_for(lambda: browser.image_src(d, "glass") != glass, timeout=60)

        # Denoise, Steer and Compare: Tab to the main button, Enter, and the run finishes
        done = {"dn_go": ("dn_status", s["dn_done"].split("{")[0]),
                "st_go": ("st_status", s["dn_status"].split("{t")[0].format(i=20, n=20)),
                "cmp_go": ("cmp_status", s["cmp_done"].split("{")[0])}
        for tab, button in (("tab_denoise", "dn_go"), ("tab_steer", "st_go"), ("tab_compare", "cmp_go")):
            open_tab_by_keys(d, s[tab])
            tab_to(d, lambda f: f["tag"] == "BUTTON" and button in f["ids"], f"#{button}")
            keys(d, Keys.ENTER)
            status, said = done[button]
            busy = s["busy_wait"].split("{")[0]
            for _ in range(3):      # a run still leaving the shared server (an earlier test's) may make the app
                seen = browser.wait_for(lambda: "done" if said in browser.text_of(d, status) else   # say "busy, try
                                        "busy" if busy in visible(d) else None, timeout=180)       # again": do
                if seen == "done":
                    break
                for close in d.find_elements("css selector", ".toast-close"):
                    close.click()
                time.sleep(2)
                tab_to(d, lambda f: f["tag"] == "BUTTON" and button in f["ids"], f"#{button}")
                keys(d, Keys.ENTER)
            assert said in browser.text_of(d, status)
            browser.wait_for(lambda: d.execute_script(IDLE), timeout=30)          # the run has left the server
            browser.screenshot(d, f"47_keys_{tab}")
        assert re.search(r"\d", browser.text_of(d, "cmp_status"))
