"""Phone (390 x 844) and tablet (768 x 1024), both languages (issue 47): every tab is reachable, the page never
scrolls sideways, pictures and charts fit the width, and whatever a finger presses (buttons, tabs, picture
toolbars, radio and checkbox choices) is at least 44 px tall. Screenshots of each tab go to tests/artifacts."""
import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")

TABS = tuple(browser.TAB_MAIN)
SIZES = {"phone": browser.PHONE, "tablet": browser.TABLET}
TOUCH = 44                                                  # px, WCAG 2.5.5's target size

# What does not fit: the page's own sideways scroll (or a part's), shown pictures and charts wider than the page, and targets a
# finger presses under TOUCH px tall (Gradio's 1-px copies of the tab buttons, kept to measure the tab bar, and the
# sketchpad's own tools, whose growth moved its canvas, aside)
PROBE = """
const shown = e => e.checkVisibility({visibilityProperty: true, opacityProperty: true}) && e.getClientRects().length;
const root = document.documentElement, width = root.clientWidth;
const targets = 'button, [role=tab], label:has(> input[type=radio]), label:has(> input[type=checkbox])';
const name = e => (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40) || e.outerHTML.slice(0, 60);
const small = [...document.querySelectorAll(targets)].filter(shown).filter(e => !e.closest('#sketch'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.height > 2 && r.height < arguments[0] - 0.5; })
  .map(e => `${name(e)} (${Math.round(e.getBoundingClientRect().height)} px)`);
const wide = [...document.querySelectorAll('.block img, .block canvas, .block svg[role=img]')].filter(shown)
  .filter(e => e.getBoundingClientRect().width > 8 && e.getBoundingClientRect().right > width + 1)
  .map(e => `${e.closest('.block').id || e.tagName} (right edge ${Math.round(e.getBoundingClientRect().right)})`);
const sideways = [...document.querySelectorAll('.block')].filter(shown)       // a part with its own sideways scroll
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.id || e.className.toString().split(' ')[0]} (${e.scrollWidth} px in ${e.clientWidth})`);
return {scroll: root.scrollWidth, width, small: [...new Set(small)], wide, sideways};
"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_tab_fits_a_phone_and_a_tablet(app_url, lang, size):
    import time

    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    d = browser.viewport(lang, *SIZES[size])
    problems = []
    try:
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        assert d.execute_script("return innerWidth") == SIZES[size][0]
        for tab in TABS:
            browser.open_tab(d, s[tab])
            browser.wait_for(lambda: browser.shown(d, browser.TAB_MAIN[tab][0]), timeout=30)
            time.sleep(1.0)                                           # let the tab's pictures and charts lay out
            seen = d.execute_script(PROBE, TOUCH)
            if seen["scroll"] > seen["width"]:
                problems.append(f"{tab}: the page scrolls sideways ({seen['scroll']} px in {seen['width']})")
            problems += [f"{tab}: wider than the page: {w}" for w in seen["wide"]]
            problems += [f"{tab}: scrolls sideways inside: {w}" for w in seen["sideways"]]
            problems += [f"{tab}: under {TOUCH} px: {w}" for w in seen["small"]]
            browser.screenshot(d, f"47_{size}_{lang[:2]}_{tab}")
    finally:
        d.quit()
    assert not problems, "\n".join(problems)
