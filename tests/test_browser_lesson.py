"""The Lesson in a real browser (issue 44): a learner walks every step in English and in Chinese, predicting and
running each experiment to the end; a ?step=N link opens step N; the step reached survives a reload."""
import re
import time

import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")


def head(d) -> str:
    return browser.text_of(d, "lesson_head")


def step_no(d) -> int:
    """The step the page shows (the first number of "Step i of n" / "第 i 步")."""
    return int(re.search(r"\d+", head(d)).group(0))


def pick_and_run(d, choice_index: int) -> str:
    """Click the choice-th prediction, run the experiment, and return the verdict once it is shown."""
    labels = browser.wait_for(lambda: [e for e in d.find_elements("css selector", "#lesson_choice label")
                                       if e.is_displayed()], timeout=30)
    labels[choice_index % len(labels)].click()
    before = browser.text_of(d, "lesson_verdict")
    browser.click(d, "lesson_check")
    # the verdict once written: it starts with its mark (while the run goes, the block shows Gradio's progress)
    return browser.wait_for(lambda: (t := browser.text_of(d, "lesson_verdict")) != before and t[:1] in "✓✗" and t,
                            timeout=240)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_learner_walks_the_whole_lesson(app_url, lang):
    from diffusion_core.lessons import lesson
    from ui.i18n import EN, ZH

    s = EN if lang == "en" else ZH
    d = browser.chrome(lang, 1400, 1100)
    timings = []
    try:
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.open_tab(d, s["tab_lesson"])
        browser.wait_for(lambda: head(d), timeout=30)
        while step_no(d) > 1:                                       # a fresh browser starts at step 1 anyway
            browser.click(d, "lesson_back")
            time.sleep(0.3)
        for i, step in enumerate(lesson.STEPS):
            title = s[f"lesson_{step.key}_title"]
            browser.wait_for(lambda: title in head(d), timeout=30)
            assert d.find_element("css selector", "#lesson_choice").text.startswith(s[f"lesson_{step.key}_q"])
            t0 = time.monotonic()
            said = pick_and_run(d, i)
            timings.append((step.key, time.monotonic() - t0))
            first = said.split()[0]
            assert first in ("✓", "✗"), said                          # right or not, said first
            why = s[f"lesson_{step.key}_why"].split("{")[0]
            assert why[:12] in said, f"{step.key}: the verdict does not explain ({said[:120]!r})"
            if step.key not in ("grids",):                            # the grids step draws a chart instead
                assert browser.image_src(d, "lesson_pic_0"), f"{step.key}: no picture"
            else:
                assert "<svg" in d.find_element("css selector", "#lesson_chart").get_attribute("innerHTML")
            browser.screenshot(d, f"44_lesson_{lang[:2]}_{i + 1}_{step.key}")
            if i < len(lesson.STEPS) - 1:
                browser.click(d, "lesson_next")
        assert s["lesson_end"][:10] in browser.text_of(d, "lesson_verdict")
        print(timings)
    finally:
        d.quit()


def test_a_step_link_opens_its_step_and_a_reload_keeps_the_learners_place(app_url):
    from ui.i18n import EN

    d = browser.chrome("en", 1400, 1100)
    try:
        d.get(app_url + "?step=4")
        browser.wait_for(lambda: browser.shown(d, "lesson_head") and head(d), timeout=120)
        assert step_no(d) == 4 and EN["lesson_near_zero_title"] in head(d)     # the Lesson tab opened on it
        assert "?step=4" in browser.text_of(d, "lesson_link")
        browser.click(d, "lesson_next")
        browser.wait_for(lambda: step_no(d) == 5, timeout=30)
        time.sleep(0.5)                                              # the browser stores the learner's place
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.open_tab(d, EN["tab_lesson"])
        browser.wait_for(lambda: browser.shown(d, "lesson_head") and head(d), timeout=120)
        assert step_no(d) == 5, head(d)
        d.get(app_url + "?step=99")                                  # no such step: said, and the page still works
        browser.wait_for(lambda: browser.shown(d, "lesson_head") and head(d), timeout=120)
        assert step_no(d) == 5
    finally:
        d.quit()


def test_open_in_the_full_tab_sets_the_tab_as_the_step_ran(app_url):
    """Step 3 asks about t = 500: its tab opens with the slider at 500 and the picture the page draws at 500 (not
    the slider's old place); the guidance step opens the Steer tab asking for its label."""
    import page_probe
    from diffusion_core.lessons import lesson
    from ui.i18n import EN

    d = browser.chrome("en", 1400, 1100)
    try:
        d.get(app_url + "?step=3")
        browser.wait_for(lambda: EN["lesson_jump_title"] in head(d), timeout=120)
        browser.wait_for(lambda: page_probe.drawn_t(d) == 250, timeout=60)        # the Add-noise tab's own start
        browser.click(d, "lesson_open")
        browser.wait_for(lambda: browser.shown(d, "t_slider"), timeout=30)
        browser.wait_for(lambda: browser.slider_input(d, "t_slider").get_attribute("value") == str(lesson.JUMP_T),
                         timeout=30)
        browser.wait_for(lambda: page_probe.drawn_t(d) == lesson.JUMP_T, timeout=30)
        browser.open_tab(d, EN["tab_steer"])                        # the learner asks the Steer tab for a 5 ...
        browser.wait_for(lambda: browser.shown(d, "st_label"), timeout=30)
        [e for e in d.find_elements("css selector", "#st_label label") if e.text == "5"][0].click()
        browser.wait_for(lambda: d.find_element("css selector", "#st_label input:checked").get_attribute("value")
                         == "5", timeout=30)
        browser.open_tab(d, EN["tab_lesson"])                       # ... then walks on to the guidance step
        while step_no(d) < lesson.STEP_KEYS.index("steer") + 1:
            shown_no = step_no(d)
            browser.click(d, "lesson_next")
            browser.wait_for(lambda: step_no(d) > shown_no, timeout=30)
        assert EN["lesson_steer_title"] in head(d)
        browser.click(d, "lesson_open")
        browser.wait_for(lambda: browser.shown(d, "st_label"), timeout=30)
        browser.wait_for(lambda: d.find_element("css selector", "#st_label input:checked").get_attribute("value")
                         == str(lesson.STEER_LABEL), timeout=30)
    finally:
        d.quit()
