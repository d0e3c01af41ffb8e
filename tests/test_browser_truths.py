"""Issue 40, items 2, 4, 9 and 10, in a real browser, in English and Chinese, on a desktop and a 390 px phone: the
one-jump pictures are what their captions say (the best guess a blur, the network's guess speckle), the Denoise tab
tells a run's time before it starts and offers 50 steps for a long one, the quality chart shows every point, the record film replays in the page, Stop says where it stopped, Revisit moves
the timeline's cursor and names the step, and the photo reform's zoom shows sharp against blurry. Each place is
saved as tests/artifacts/40_<item>_<place>_<lang>[_phone].png."""
import re
import time

import numpy as np
import pytest

import browser
from diffusion_core.paths import assets_dir
from ui.i18n import STRINGS

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")
CONFIGS = [("en", False), ("zh-CN", False), ("en", True), ("zh-CN", True)]


@pytest.fixture(params=CONFIGS, ids=["en", "zh", "en_phone", "zh_phone"])
def page(request, app_url):
    """A browser on the app in one language and size; yields (driver, strings, screenshot name suffix)."""
    lang, phone = request.param
    with browser.opened(app_url, lang, *(browser.PHONE if phone else (1400, 2000)), shown=None) as d:
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=90)
        yield d, STRINGS[lang], f"{lang[:2]}{'_phone' if phone else ''}"


def contrast(shot: np.ndarray) -> float:
    """Mean pixel-to-pixel difference of a picture as shown (both directions): low for a blur, high for speckle."""
    g = shot.astype(float).mean(axis=2)
    return float(np.abs(np.diff(g, axis=0)).mean() + np.abs(np.diff(g, axis=1)).mean())


def test_the_one_jump_pictures_show_what_their_captions_say(page):
    d, s, suffix = page
    browser.open_tab(d, s["tab_denoise"])
    buttons = lambda: [b for b in d.find_elements("tag name", "button") if b.text.strip().startswith(s["jump_go"])]  # noqa: E731
    head = browser.wait_for(lambda: [b for b in buttons() if b.text.strip() != s["jump_go"]][0], timeout=30)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", head)
    head.click()                                       # the section opens; its button has the same words
    browser.wait_for(lambda: [b for b in buttons() if b.text.strip() == s["jump_go"] and b.is_displayed()][0]).click()
    said = s["jump_why"].split("**")[0].strip()           # "The network's own one-jump guess (middle) is"
    browser.wait_for(lambda: said in d.find_element("tag name", "body").text, timeout=300)
    time.sleep(1)
    blur, net, full = (contrast(browser.pixels(d, f"#{k} img")) for k in ("jump_one", "jump_net", "jump_full"))
    # the caption: the best one-jump guess is a blur (smoother than the finished digits), the network's is speckle
    assert blur < 0.5 * full, (blur, full)
    assert net > 1.5 * full, (net, full)
    browser.screenshot(d, f"40_2_one_jump_{suffix}", browser.around(d, "jump_one", "row").find_element("xpath", ".."))


def offered(d):
    """The "use 50 steps" button, if the page shows it (a hidden Gradio component is not in the page at all)."""
    return next((b for b in d.find_elements("css selector", "#dn_shorter") if b.is_displayed()), None)


def test_the_run_time_is_told_before_a_run_and_a_long_run_offers_50_steps(page):
    d, s, suffix = page
    browser.open_tab(d, s["tab_denoise"])
    expect = s["dn_expect"].split("**")[0].strip()                   # "Expected here: about"
    browser.wait_for(lambda: browser.text_of(d, "dn_expect").startswith(expect), timeout=60)
    assert not offered(d)
    box = d.find_element("css selector", "#dn_steps input[type=number]")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.clear()
    box.send_keys("1000\n")
    shorter = browser.wait_for(lambda: offered(d), timeout=60)
    note = browser.text_of(d, "dn_expect")
    assert note.startswith("⏳") and "1000" in note
    browser.screenshot(d, f"40_4_long_run_{suffix}", browser.around(d, "dn_expect", "column"))
    shorter.click()
    browser.wait_for(lambda: browser.slider_input(d, "dn_steps").get_attribute("value") == "50", timeout=30)
    browser.wait_for(lambda: browser.text_of(d, "dn_expect").startswith(expect) and "50" in browser.text_of(
        d, "dn_expect"), timeout=60)
    assert not offered(d)


def test_the_quality_chart_draws_every_measured_point(page):
    d, s, suffix = page
    browser.open_tab(d, s["tab_compare"])
    chart = browser.wait_for(lambda: (el := d.find_element("css selector", "#cmp_quality svg")).is_displayed() and el,
                             timeout=60)
    import json

    from ui import charts
    browser.open_section(d, "cmp_hood", "#cmp_net input:checked")
    shown = d.find_element("css selector", "#cmp_net input:checked").get_attribute("value")
    name = {"teacher": "quality_vs_steps.json", "student": "quality_vs_steps_digits_student.json"}[shown]
    rows = json.loads((assets_dir() / name).read_text())["rows"]
    flow = assets_dir() / "quality_vs_steps_digits_flow.json"             # the flow net's curve, drawn on the same chart
    rows += json.loads(flow.read_text())["rows"] if flow.is_file() else []
    cys = d.execute_script("return [...arguments[0].querySelectorAll('g.point')].map(g => {"
                           "const b = g.getBBox(); return b.y + b.height / 2; });", chart)   # marker centres
    assert len(cys) == len(rows), "a dot for every measured point"
    assert all(charts.PAD_T <= y <= charts.H - charts.PAD_B for y in cys)
    assert sum(abs(y - charts.PAD_T) < 0.5 for y in cys) <= 1, "points piled up at the top of the chart"
    note = browser.text_of(d, "cmp_quality")
    assert s["cmp_quality_log"].split("{")[0].strip() in note
    browser.screenshot(d, f"40_9a_quality_{suffix}", chart)


def test_the_record_film_replays_in_the_page(page):
    d, s, suffix = page
    browser.click(d, "record_btn")
    browser.wait_for(lambda: d.find_element("css selector", "#record_gif a").get_attribute("href"), timeout=300)
    film = "#record_film img"
    browser.wait_for(lambda: "gif" not in browser.image_src(d, "record_film") and s["record_result"][:8] in
                     d.find_element("tag name", "body").text, timeout=60)
    still = []
    for _ in range(3):
        still.append(browser.pixels(d, film))
        time.sleep(0.3)
    assert all(np.array_equal(still[0], p) for p in still[1:]), "before Replay the film rests on its last frame"
    browser.click(d, "record_replay")
    src = browser.wait_for(lambda: (u := browser.image_src(d, "record_film")) and ".gif?replay=" in u and u, timeout=30)
    frames = []
    for _ in range(30):                              # ~3 s: the GIF runs about 4 s at 12 frames a second
        frames.append(browser.pixels(d, film))
        time.sleep(0.1)
    browser.screenshot(d, f"40_9b_film_{suffix}", browser.around(d, "record_film", "row"))
    distinct = {f.tobytes() for f in frames if f.shape == frames[0].shape}
    assert len(distinct) >= 5, "the film does not play in the page"
    noisy = max(np.abs(np.diff(f.astype(int), axis=1)).mean() for f in frames)
    assert noisy > 1.5 * np.abs(np.diff(still[0].astype(int), axis=1)).mean(), "the replay shows the noisy frames"
    browser.click(d, "record_replay")                         # again: from the start, under a new address
    browser.wait_for(lambda: browser.image_src(d, "record_film") != src, timeout=10)


def test_stop_says_where_and_revisit_moves_the_cursor(page):
    from selenium.webdriver.common.keys import Keys

    d, s, suffix = page
    browser.open_tab(d, s["tab_denoise"])
    steps = browser.wait_for(lambda: d.find_element("css selector", "#dn_steps input[type=number]"), timeout=30)
    steps.send_keys(Keys.CONTROL, "a")
    steps.send_keys("1000", Keys.TAB)
    browser.click(d, "dn_go")
    browser.wait_for(lambda: "/ 1000" in browser.text_of(d, "dn_status"), timeout=120)
    time.sleep(1.5)
    browser.click(d, "dn_stop")
    stopped = s["dn_stopped"].split("{")[0]                         # "Stopped at step " / "已停止：停在第 "
    try:
        said = browser.wait_for(lambda: (t := browser.text_of(d, "dn_status")).startswith(stopped) and t, timeout=60)
    except TimeoutError:
        pytest.fail(f"after Stop the status says {browser.text_of(d, 'dn_status')!r}")
    k = int(re.search(r"(\d+) / 1000", said).group(1))
    assert 1 <= k < 1000, said
    time.sleep(2)
    assert browser.text_of(d, "dn_status") == said, "a step after Stop overwrote the stopped message"
    panels = browser.around(d, "dn_status", "column")
    assert not {"Error", "错误"} & set(panels.text.split()), "Stop made the run's pictures say Error"
    line = lambda: d.find_element("css selector", "#dn_line").get_attribute("innerHTML")   # noqa: E731
    cursor = lambda: float(re.search(r'<line x1="([\d.]+)"[^>]*stroke-dasharray', line()).group(1))  # noqa: E731
    at_stop = cursor()
    browser.screenshot(d, f"40_9d_stop_{suffix}", panels)
    scrub = d.find_element("css selector", "#dn_scrub input[type=range]")
    assert int(scrub.get_attribute("max")) >= 1
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", scrub)
    scrub.send_keys(Keys.HOME)
    revisit = s["dn_revisit"].split("{")[0]
    shown = browser.wait_for(lambda: (t := browser.text_of(d, "dn_status")).startswith(revisit) and t, timeout=30)
    assert re.search(r"\b1 / 1000", shown) and "t = 999" in shown and "…" not in shown, shown
    browser.wait_for(lambda: cursor() < at_stop - 1, timeout=10)
    points = re.search(r'<polyline points="([^"]*)"', line()).group(1).split()
    assert abs(cursor() - float(points[0].split(",")[0])) < 0.1, "the cursor is on the first step"
    browser.screenshot(d, f"40_9c_revisit_{suffix}", browser.around(d, "dn_status", "column"))


@pytest.mark.skipif(not (assets_dir() / "photos.safetensors").exists(), reason="photos model not built")
def test_the_reform_zoom_shows_sharp_against_blurry(page):
    from diffusion_core.lessons import detail

    d, s, suffix = page
    browser.click(d, "rf_go")
    said = s["rf_detail"].split("**")[0].strip()                  # "Fine detail in the square (band-pass energy):"
    browser.wait_for(lambda: said in d.find_element("tag name", "body").text, timeout=900)
    time.sleep(1)
    body = d.find_element("tag name", "body").text
    dm, dg = (float(v) for v in re.search(r"(\d+\.\d)\D+(\d+\.\d)\D+\d+\.\d\d", body[body.index(said):]).groups())
    assert dm >= 1.3 * dg
    zm, zg = (browser.shown_square(browser.pixels(d, f"#{k} img")) for k in ("rf_zoom_model", "rf_zoom_guess"))
    assert min(zm.shape[0], zg.shape[0]) > 80
    assert detail.fine_detail(zm) > 1.2 * detail.fine_detail(zg), "on screen the model's zoom is not the sharper"
    tops = d.execute_script("return ['rf_zoom_record', 'rf_zoom_model', 'rf_zoom_guess'].map("
                            "k => document.querySelector('#' + k + ' img').getBoundingClientRect().top)")
    assert max(tops) - min(tops) <= 2, f"the three zoomed squares, side by side, start level: {tops}"
    d.execute_script("document.querySelector('#rf_record').scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    browser.screenshot(d, f"40_10_reform_{suffix}")
    browser.screenshot(d, f"40_10_reform_zoom_{suffix}", browser.around(d, "rf_zoom_model", "row"))
    # a click on a picture moves the square there: the zooms change
    from selenium.webdriver.common.action_chains import ActionChains

    before = browser.image_src(d, "rf_zoom_model")
    picture = d.find_element("css selector", "#rf_model img")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", picture)
    ActionChains(d).move_to_element_with_offset(picture, -picture.size["width"] // 4, -picture.size["height"] // 4) \
        .click().perform()
    browser.wait_for(lambda: browser.image_src(d, "rf_zoom_model") not in ("", before), timeout=120)
