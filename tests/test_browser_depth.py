"""How deep the explanations go (issue 44) in a real browser: a fresh page explains at Intuition (the mechanism and
the maths of every tab hidden); picking Mechanism or Maths shows those layers at once, in the learner's language,
with the Lesson's verdict explained at the same depth; the choice survives a reload."""
import numpy as np
import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")

LAYERS = {"dye": ("dye_mechanism", "dye_maths"), "noise": ("noise_mechanism", "noise_maths"),
          "denoise": ("dn_mechanism", "dn_maths"), "steer": ("st_mechanism", "st_maths"),
          "compare": ("cmp_mechanism", "cmp_maths")}
TABS = {"dye": ("tab_dye", "dye_intro"), "noise": ("tab_noise", "noise_intro"),
        "denoise": ("tab_denoise", "dn_intro"), "steer": ("tab_steer", "st_intro"),
        "compare": ("tab_compare", "cmp_intro")}


def visible_text(d) -> str:
    """The text a person sees in the page (hidden blocks give none)."""
    return d.execute_script("return document.body.innerText")


def first_words(s: dict, key: str) -> str:
    """The start of a layer's text as the page shows it (no markdown marks, no formula)."""
    return s[key].replace("**", "").replace("$$", "").split("{")[0].strip()[:24]


def pick_depth(d, s: dict, depth: str) -> None:
    label = [e for e in d.find_elements("css selector", "#depth label") if e.text == s[f"depth_{depth}"]][0]
    label.click()
    browser.wait_for(lambda: d.execute_script("return document.documentElement.dataset.depth") == depth)


def seen_layers(d, s: dict) -> dict[str, tuple[bool, bool]]:
    """Per tab: whether its mechanism and its maths are on screen."""
    seen = {}
    for tab, keys in LAYERS.items():
        tab_key, intro = TABS[tab]
        browser.open_tab(d, s[tab_key])
        title = s[intro].split("\n")[0].lstrip("# ")
        browser.wait_for(lambda: title in visible_text(d), timeout=30)
        text = visible_text(d)
        # the maths layer is mostly formula (KaTeX renders $$...$$): its shown block is found by its class
        shown_maths = d.execute_script(
            "return [...document.querySelectorAll('.depth-maths')].some(e => e.getBoundingClientRect().height > 0)")
        seen[tab] = (first_words(s, keys[0]) in text, shown_maths)
    return seen


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_depth_choice_shows_each_layer_and_is_remembered(app_url, lang):
    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    with browser.opened(app_url, lang, 1400, 1100) as d:
        checked = d.find_element("css selector", "#depth input:checked").get_attribute("value")
        assert checked == "intuition"
        assert seen_layers(d, s) == {tab: (False, False) for tab in LAYERS}
        pick_depth(d, s, "mechanism")
        assert seen_layers(d, s) == {tab: (True, False) for tab in LAYERS}
        pick_depth(d, s, "maths")
        assert seen_layers(d, s) == {tab: (True, True) for tab in LAYERS}
        browser.open_tab(d, s["tab_noise"])
        assert d.find_elements("css selector", ".depth-maths .katex"), "the forward process's formula is not drawn"
        browser.screenshot(d, f"44_depth_maths_{lang[:2]}")

        d.refresh()                                                  # the choice is the browser's, kept
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.wait_for(lambda: d.find_element("css selector", "#depth input:checked").get_attribute("value")
                         == "maths", timeout=30)
        assert seen_layers(d, s)["noise"] == (True, True)


def test_the_lessons_verdict_is_explained_at_the_chosen_depth(app_url):
    """Step 3 (the one jump) at Intuition: the why only; at Mechanism its how, with the measured weights; at Maths
    its formula too."""
    from diffusion_core.lessons import lesson
    from diffusion_core.schedule import NoiseSchedule
    from ui.i18n import EN

    d = browser.chrome("en", 1400, 1100)
    try:
        d.get(app_url + "?step=3")
        browser.wait_for(lambda: EN["lesson_jump_title"] in browser.text_of(d, "lesson_head"), timeout=120)
        browser.wait_for(lambda: [e for e in d.find_elements("css selector", "#lesson_choice label")
                                  if e.is_displayed()], timeout=30)[0].click()
        browser.click(d, "lesson_check")
        browser.wait_for(lambda: browser.text_of(d, "lesson_verdict")[:1] in "✓✗"
                         and browser.text_of(d, "lesson_verdict"), timeout=120)
        how, maths = first_words(EN, "lesson_jump_how"), "ᾱ_t = (1−β₁)"
        assert how not in visible_text(d) and maths not in visible_text(d)
        pick_depth(d, EN, "mechanism")
        shown = browser.text_of(d, "lesson_how")
        a = lesson.jump(np.zeros((8, 8, 3), np.uint8), NoiseSchedule("linear"), 0).facts["a"]   # the photo's weight
        assert shown.startswith(how) and f"{a:.2f}" in shown and maths not in visible_text(d)
        pick_depth(d, EN, "maths")
        assert maths in browser.text_of(d, "lesson_math")
    finally:
        d.quit()
