"""Result pictures that speak (issue 47): a screen reader hears what a picture shows *now*. Gradio draws an output
picture with an empty alt (decorative); ui/a11y.js names each one "<its label>: <its status line>" and renames it
whenever the status changes. Checked in the page as a screen reader reads it: the img's alt (and the name of the
button Gradio wraps it in)."""
import re

import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")

# every shown result picture in the open tab: its block's id, label, the img's alt and the name of its button
PICTURES = """
return [...document.querySelectorAll('.block img')].filter(i => i.getBoundingClientRect().height > 0 && i.src
    && !i.closest('.gallery-item, .thumbnails, [data-testid=image] .upload-container')).map(i => {
  const b = i.closest('.block');
  return {id: b.id, label: (b.querySelector('[data-testid=block-label]')?.textContent || '').trim(), alt: i.alt,
          button: i.closest('button')?.getAttribute('aria-label') ?? null};
});
"""


def pictures(d) -> dict:
    return {p["id"] or p["label"]: p for p in d.execute_script(PICTURES)}


def said(d, pic: str, status: str) -> str:
    """The alt text of picture ``pic`` once it reads "<label>: <the text of #status>"."""
    def now():
        p = pictures(d).get(pic)
        text = re.sub(r"\s+", " ", d.execute_script("return document.getElementById(arguments[0]).textContent",
                                                    status)).strip()
        return p and text and p["alt"] == f"{p['label']}: {text}" and p["alt"]
    return browser.wait_for(now, timeout=60)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_denoise_pictures_say_the_step_they_show(app_url, lang):
    from selenium.webdriver.common.keys import Keys

    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    with browser.opened(app_url, lang, 1400, 1000) as d:
        browser.open_tab(d, s["tab_denoise"])
        browser.wait_for(lambda: d.find_elements("css selector", "#dn_go"), timeout=30)
        browser.click(d, "dn_go")
        browser.wait_for(lambda: s["dn_done"].split("{")[0].strip() in browser.text_of(d, "dn_status"), timeout=180)
        for pic in ("dn_xt", "dn_x0", "dn_eps"):
            alt = said(d, pic, "dn_status")
            assert alt.startswith(str(s[pic])) and s["dn_done"].split("{")[0].strip() in alt, alt
            assert pictures(d)[pic]["button"] in (None, alt), "the picture's button is named as the picture"
        # back to the first kept step: the status and every picture's alt now name that step and its t
        scrub = browser.slider_input(d, "dn_scrub")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", scrub)
        scrub.send_keys(Keys.HOME)
        first = re.escape(s["dn_status"].split("{")[0]) + r"\s*1 /"
        browser.wait_for(lambda: re.search(first, browser.text_of(d, "dn_status")), timeout=60)
        for pic in ("dn_xt", "dn_x0", "dn_eps"):
            alt = said(d, pic, "dn_status")
            assert re.search(first, alt) and "t = " in alt, alt


def test_every_shown_result_picture_has_a_name(app_url):
    """The Add-noise tab's jump and walk, the dye glass, the Steer panels after a run: none is left unnamed."""
    from ui.i18n import EN as s

    with browser.opened(app_url, "en", 1400, 1000) as d:
        browser.click(d, "jump_btn")
        said(d, "jump_img", "jump_stats")
        browser.open_tab(d, s["tab_dye"])                  # the page's own canvases: named as they are drawn
        glass = browser.wait_for(lambda: d.find_element("css selector", "#dye_view canvas.dv-glass")
                                 .get_attribute("aria-label"), timeout=60)
        assert glass == f"{s['dye_glass']}: {browser.text_of(d, 'dye_status')}", glass
        browser.open_tab(d, s["tab_steer"])
        browser.wait_for(lambda: d.find_elements("css selector", "#st_go"), timeout=30)
        browser.click(d, "st_go")
        said(d, "st_x0_mix", "st_status")
        for tab in ("tab_noise", "tab_dye", "tab_steer"):
            browser.open_tab(d, s[tab])
            unnamed = [p for p in pictures(d).values() if not p["alt"].strip()]
            assert not unnamed, (tab, unnamed)
