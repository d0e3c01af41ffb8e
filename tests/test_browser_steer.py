"""The Steer tab in a real browser (issue 45), in English on a desktop and in Chinese on a phone: Generate fills the
five pictures with the label's digits, moving w by keys redraws the strip at the new w, and the chart's cursor
follows w. What the pictures show is read back from the page and judged by the project's digit classifier."""
import io
import urllib.request

import numpy as np
import pytest
from PIL import Image

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")

PICTURES = ("st_xt", "st_x0_base", "st_x0_label", "st_x0_mix", "st_push")


def picture(d, elem_id: str) -> np.ndarray:
    """The picture the page shows in ``elem_id``, as grey uint8 [H, W]."""
    with urllib.request.urlopen(browser.image_src(d, elem_id), timeout=30) as r:
        return np.asarray(Image.open(io.BytesIO(r.read())).convert("L"))


def digits_of(grid: np.ndarray) -> np.ndarray:
    """The 28 x 28 digits of a diffusion_core.media.frames.grid picture (a 2-pixel gap around each), uint8 [N, 28, 28]."""
    rows, cols = (grid.shape[0] - 2) // 30, (grid.shape[1] - 2) // 30
    return np.stack([grid[2 + r * 30:2 + r * 30 + 28, 2 + c * 30:2 + c * 30 + 28] for r in range(rows)
                     for c in range(cols)])


@pytest.mark.parametrize("lang, phone", [("en", False), ("zh-CN", True)])
def test_the_steer_tab_draws_the_label_and_w_redraws_the_strip(app_url, lang, phone):
    import torch
    from selenium.webdriver.common.keys import Keys

    from diffusion_core.models.quality import _as_input, classifier
    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    d = browser.chrome(lang, *((browser.PHONE[0], 3200) if phone else (1400, 2400)))
    tag = f"45_steer_{lang[:2]}{'_phone' if phone else ''}"
    try:
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.open_tab(d, s["tab_steer"])
        browser.wait_for(lambda: d.find_element("css selector", "#st_label label:has(input[value='7'])"),
                         timeout=30).click()
        browser.click(d, "st_go")
        browser.wait_for(lambda: all(browser.image_src(d, k) for k in PICTURES), timeout=180)
        # the run's last frame (x_t is then the finished digits): label 7's digits read as 7s
        last = s["dn_status"].split("{t")[0].format(i=20, n=20)            # "step 20 / 20 · t = "
        browser.wait_for(lambda: last in browser.text_of(d, "st_status"), timeout=120)
        browser.screenshot(d, tag, browser.around(d, "st_xt", "row"))
        # w by keys: one step left on the slider (0.5; the card's w may be the chart's last measured one), then the
        # strip is drawn for the new w and the chart's cursor moves
        rng = browser.slider_input(d, "st_w")
        w0 = float(rng.get_attribute("value"))
        chart0 = d.find_element("css selector", "#st_chart").get_attribute("innerHTML")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", rng)
        rng.send_keys(Keys.ARROW_LEFT)
        browser.wait_for(lambda: float(rng.get_attribute("value")) == w0 - 0.5, timeout=10)
        browser.click(d, "st_strip_go")
        strip_label = lambda: d.find_element("css selector", "#st_strip").text        # noqa: E731
        browser.wait_for(lambda: browser.image_src(d, "st_strip") and f"{w0 - 0.5:g}" in strip_label(), timeout=180)
        browser.wait_for(lambda: d.find_element("css selector", "#st_chart").get_attribute("innerHTML") != chart0,
                         timeout=30)
        browser.screenshot(d, f"{tag}_strip", d.find_element("css selector", "#st_strip"))
        digits = digits_of(picture(d, "st_xt"))
        with torch.no_grad():
            read = classifier()(_as_input(digits)).argmax(1).numpy()
        assert (read == 7).mean() >= 0.75, f"the guided digits of label 7 read as {read.tolist()}"
    finally:
        d.quit()
