"""The Dye tab's flow lab in a real browser, in English on a desktop and in Chinese on a phone: train both nets,
reflow, move the steps slider; what the page shows is what the server measured."""
import io
import re
import urllib.request

import numpy as np
import pytest
from PIL import Image

import browser

def open_dye_tab(d) -> None:
    """The Dye tab, from the tab bar or, on a phone, its overflow menu."""
    from ui.i18n import EN, ZH

    browser.open_tab(d, EN["tab_dye"], ZH["tab_dye"])


pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")


def picture(driver, elem_id: str) -> np.ndarray:
    with urllib.request.urlopen(browser.image_src(driver, elem_id), timeout=30) as r:
        return np.asarray(Image.open(io.BytesIO(r.read())).convert("RGB"))


def red_dots(pic: np.ndarray) -> int:
    """Pixels of the red dots where particles land."""
    return int((np.abs(pic.astype(int) - (178, 24, 43)).sum(-1) < 10).sum())


def click(driver, text: str) -> None:
    button = [b for b in driver.find_elements("css selector", "button") if b.text == text][0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


@pytest.mark.parametrize("lang, phone", [("en", False), ("zh-CN", True)])
def test_the_flow_lab_trains_reflows_and_redraws(app_url, lang, phone):
    from selenium.webdriver.common.keys import Keys

    from ui.i18n import tr

    d = browser.chrome(lang, *((browser.PHONE[0], 6400) if phone else (1400, 3400)))     # tall: the whole section
    name = f"46_flow2d_{'en' if lang == 'en' else 'zh'}{'_phone' if phone else ''}"
    body = lambda: d.find_element("tag name", "body").text                # noqa: E731
    try:
        d.get(app_url)
        browser.wait_for(lambda: d.find_elements("css selector", "button[role=tab]"), timeout=60)
        open_dye_tab(d)
        browser.wait_for(lambda: d.find_element("css selector", "label:has(input[value=heart])"), timeout=30).click()
        secs = d.find_element("css selector", "#unmix_seconds input[type=number]")
        secs.send_keys(Keys.CONTROL, "a")
        secs.send_keys("2", Keys.TAB)
        click(d, tr("lab_train", lang))
        browser.wait_for(lambda: browser.image_src(d, "lab_pic_ddim"), timeout=240)
        status = d.find_element("css selector", "#lab_status").text
        for run in ("ddim", "ddim_flow_levels", "flow"):
            assert tr(f"lab_run_{run}", lang) in status, status
        assert tr("lab_run_reflow", lang) not in status and not browser.image_src(d, "lab_pic_reflow")
        charts = d.find_element("css selector", "#lab_charts").get_attribute("innerHTML")
        assert charts.count("<svg") == 2 and tr("lab_inside_title", lang) in charts
        note = d.find_element("css selector", "#lab_euler_note").text
        gap = re.search(r"(?:largest gap is|最大差距) ([0-9.e+-]+)", note)
        assert gap and float(gap[1]) < 1e-6, note
        ddim, flow = picture(d, "lab_pic_ddim"), picture(d, "lab_pic_flow")
        assert red_dots(ddim) > 100 and red_dots(flow) > 100 and not np.array_equal(ddim, flow)

        click(d, tr("lab_reflow", lang))
        browser.wait_for(lambda: browser.image_src(d, "lab_pic_reflow"), timeout=240)
        status = browser.wait_for(lambda: (s := d.find_element("css selector", "#lab_status").text)
                                  and tr("lab_run_reflow", lang) in s and s, timeout=30)
        head = tr("lab_table_head", lang, n=4, bend=32).splitlines()[0]
        assert [c.strip() for c in head.strip("|").split("|")][2] in status, status
        assert red_dots(picture(d, "lab_pic_reflow")) > 100

        # the steps slider redraws at the new count (keyboard: one step right)
        before = browser.image_src(d, "lab_pic_ddim")
        rng = browser.slider_input(d, "lab_steps")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", rng)
        rng.send_keys(Keys.ARROW_RIGHT)
        want = [c.strip() for c in tr("lab_table_head", lang, n=5, bend=32).splitlines()[0].strip("|").split("|")][2]
        browser.wait_for(lambda: want in d.find_element("css selector", "#lab_status").text, timeout=60)
        browser.wait_for(lambda: browser.image_src(d, "lab_pic_ddim") != before, timeout=30)

        browser.screenshot(d, name, d.find_element("css selector", "#flow_lab"))
        if lang != "en":                                      # the section speaks the learner's language
            assert "两个都训练" in body() and "Train both" not in body()
    finally:
        d.quit()


def test_the_guidance_lab_trains_and_w_redraws(app_url):
    from selenium.webdriver.common.keys import Keys

    from ui.i18n import tr

    with browser.opened(app_url, "en", 1400, 2600, shown=None) as d:
        browser.wait_for(lambda: d.find_elements("css selector", "button[role=tab]"), timeout=60)
        open_dye_tab(d)
        secs = browser.wait_for(lambda: d.find_element("css selector", "#unmix_seconds input[type=number]"), timeout=30)
        secs.send_keys(Keys.CONTROL, "a")
        secs.send_keys("2", Keys.TAB)
        click(d, tr("guide_train", "en"))
        browser.wait_for(lambda: browser.image_src(d, "guide_pic_guided"), timeout=240)
        status = lambda: d.find_element("css selector", "#guide_status").text         # noqa: E731
        assert "Guided at w = 3:" in status() and "inside the shape (heart)" in status(), status()
        chart = d.find_element("css selector", "#guide_chart").get_attribute("innerHTML")
        assert tr("guide_inside", "en") in chart and tr("guide_spread", "en") in chart
        before = browser.image_src(d, "guide_pic_guided")
        rng = browser.slider_input(d, "guide_w")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", rng)
        rng.send_keys(Keys.ARROW_RIGHT)                                    # w = 3.1
        browser.wait_for(lambda: "Guided at w = 3.1:" in status(), timeout=60)
        browser.wait_for(lambda: browser.image_src(d, "guide_pic_guided") != before, timeout=30)
        browser.screenshot(d, "45_guide2d_en", d.find_element("css selector", "#guide_lab"))
