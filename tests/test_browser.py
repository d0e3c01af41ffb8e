"""A real browser: the page loads, the t slider answers mouse and keyboard, uploads work, Chinese renders."""
from pathlib import Path

import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def driver():
    d = browser.chrome("en")
    yield d
    d.quit()


def test_slider_mouse_keyboard_and_upload(driver, app_url, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.get(app_url)
    first = browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=60)
    rng = browser.slider_input(driver, "t_slider")

    # mouse: click near the right end of the track
    ActionChains(driver).move_to_element_with_offset(rng, int(rng.size["width"] * 0.4), 0).click().perform()
    after_mouse = browser.wait_for(lambda: (s := browser.image_src(driver, "x_t")) != first and s)
    assert int(rng.get_attribute("value")) > 500

    # keyboard: arrow keys move it one step each
    before = int(rng.get_attribute("value"))
    rng.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    browser.wait_for(lambda: int(rng.get_attribute("value")) == before - 3)
    browser.wait_for(lambda: (s := browser.image_src(driver, "x_t")) != after_mouse and s)

    # upload a photo through the file input
    from PIL import Image

    p = tmp_path / "red.png"
    Image.new("RGB", (120, 80), (220, 20, 20)).save(p)
    shown = browser.image_src(driver, "x_t")
    driver.find_element("css selector", "#photo input[type=file]").send_keys(str(p))
    browser.wait_for(lambda: (s := browser.image_src(driver, "x_t")) != shown and s, timeout=60)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "noise_tab_en.png"))
    assert (ARTIFACTS / "noise_tab_en.png").stat().st_size > 10_000


def shown_picture(driver, elem_id: str):
    """The picture an image element shows, as the server sent it (lossless): uint8 [H, W, 3]."""
    import io
    import urllib.request

    import numpy as np
    from PIL import Image

    with urllib.request.urlopen(browser.image_src(driver, elem_id), timeout=30) as r:
        return np.asarray(Image.open(io.BytesIO(r.read())).convert("RGB"))


def shape_grid(pic, n: int = 32):
    """Where the un-mix shape picture shows the shape (its tint or its dots, not bare water) on an n x n grid over
    the mask's square (the glass is GLASS px; the mask fills GLASS / 1.2 px in its middle): bool [n, n]."""
    import numpy as np

    from ui.dye_tab import GLASS

    side = int(GLASS / 1.2)
    at = ((np.arange(n) + 0.5) / n * side + (GLASS - side) // 2).astype(int)
    patch = pic[at[:, None, None, None] + np.arange(-2, 3)[:, None], at[None, :, None, None] + np.arange(-2, 3)]
    return (np.abs(patch.astype(int) - (235, 244, 255)).sum(-1) > 30).mean((2, 3)) > 0.5


def unmix_train(driver, shape: str, lang: str):
    """Choose a shape, 2 training seconds, train; wait for this training's result (a new shape picture)."""
    import re

    from selenium.webdriver.common.keys import Keys

    from ui.i18n import tr

    driver.find_element("css selector", f"label:has(input[value={shape}])").click()
    secs = driver.find_element("css selector", "#unmix_seconds input[type=number]")
    secs.send_keys(Keys.CONTROL, "a")
    secs.send_keys("2", Keys.TAB)
    before = browser.image_src(driver, "unmix_shape_img")
    [b for b in driver.find_elements("tag name", "button") if b.text == tr("unmix_train", lang)][0].click()
    browser.wait_for(lambda: (s := browser.image_src(driver, "unmix_shape_img")) and s != before, timeout=60)
    done = re.compile(r"in (\d+\.\d) s;" if lang == "en" else r"用 (\d+\.\d) 秒训练")      # the status's seconds
    browser.wait_for(lambda: (m := done.search(driver.find_element("tag name", "body").text)) and float(m[1]) >= 2,
                     timeout=30)                                             # the last tick: training has finished
    return shown_picture(driver, "unmix_shape_img")


@pytest.mark.parametrize("lang, size", [("en", None), ("zh-CN", None), ("en", "phone"), ("zh-CN", "phone")])
def test_a_drawn_shape_trains(app_url, lang, size):
    """Draw a "U" on the sketchpad, choose "my drawing" and train: the shape shown (and trained) is the U, not the
    whole canvas (the sketch's opaque white background is no ink); then 扩 trains 扩."""
    import numpy as np
    from selenium.webdriver.common.action_chains import ActionChains

    from diffusion_core.lessons import points
    from ui.i18n import tr

    d = browser.chrome(lang, *((browser.PHONE[0], 2400) if size else (1400, 2000)))
    tag = f"{'en' if lang == 'en' else 'zh'}{'_phone' if size else ''}"
    try:
        d.get(app_url)
        from ui.i18n import EN, ZH

        browser.wait_for(lambda: d.find_elements("css selector", "button[role=tab]"), timeout=60)
        browser.open_tab(d, EN["tab_dye"], ZH["tab_dye"])            # on a phone, from the tab bar's overflow menu
        brush = "Brush" if lang == "en" else "画笔"
        browser.wait_for(lambda: d.find_element("css selector", f"#sketch button[aria-label={brush}]"),
                         timeout=30).click()
        canvas = d.find_elements("css selector", "#sketch canvas")[-1]
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
        side = min(canvas.size["width"], canvas.size["height"]) * 0.9    # the drawing square sits in the middle
        u = [(0.3, 0.2), (0.3, 0.8), (0.7, 0.8), (0.7, 0.2)]              # a "U": fractions of that square
        steps = [(a[0] + (b[0] - a[0]) * k / 4, a[1] + (b[1] - a[1]) * k / 4)             # 4 moves a stroke
                 for a, b in zip(u, u[1:]) for k in range(5)]
        px = [(round((x - 0.5) * side), round((y - 0.5) * side)) for x, y in steps]       # offsets from the middle
        hand = ActionChains(d).move_to_element_with_offset(canvas, *px[0]).click_and_hold()
        for a, b in zip(px, px[1:]):
            hand = hand.move_by_offset(b[0] - a[0], b[1] - a[1])
        hand.release().perform()
        grid = shape_grid(unmix_train(d, "drawn", lang))
        assert tr("err_too_few_points", lang) not in d.find_element("tag name", "body").text
        section = d.execute_script("let e = arguments[0]; while (!e.contains(arguments[1])) e = e.parentElement; "
                                   "return e", d.find_element("css selector", "#sketch"),       # the un-mix row
                                   d.find_element("css selector", "#unmix_shape_img"))
        browser.screenshot(d, f"40_1_drawn_{tag}", section)
        n = len(grid)
        assert 0.15 < grid.mean() < 0.6, f"the shape covers {grid.mean():.0%} of the canvas: not the U alone"
        assert not grid[n // 3:n // 2, 2 * n // 5:3 * n // 5].any(), "the inside of the U is empty"
        assert not grid[:n // 10, 2 * n // 5:3 * n // 5].any(), "above the U is empty"
        assert grid[n // 2, :n // 2].any() and grid[n // 2, n // 2:].any() and grid[n // 2:, n // 2].any(), "arms, bar"
        kuo = shape_grid(unmix_train(d, "kuo", lang))
        browser.screenshot(d, f"40_3_kuo_{tag}", section)
        at = (np.arange(n) * 2 + 1) * points.MASK // (2 * n)                # the grid's points on the mask
        want = points.preset_mask("kuo")[at][:, at]
        assert (kuo == want).mean() > 0.9, "the picture shows the shipped 扩"
    finally:
        d.quit()


def test_chinese_locale(app_url):
    with browser.opened(app_url, "zh-CN", shown=None) as d:
        browser.wait_for(lambda: "逐步加噪" in d.find_element("tag name", "body").text, timeout=60)
        body = d.find_element("tag name", "body").text
        assert "扩散课堂" in body and "用小模型去噪" in body
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=60)
        # server-made chart labels follow the browser's language (read from the rendered chart, not the page config)
        browser.wait_for(lambda: "像素值分布" in d.find_element("css selector", "#hist").get_attribute("innerHTML"),
                         timeout=30)
        # after a run, Gradio's footer links to the runs saved in the browser: its Chinese lacks that label
        [b for b in d.find_elements("tag name", "button") if b.text == "走 t 小步并比较"][0].click()
        browser.wait_for(lambda: "运行记录" in d.find_element("tag name", "footer").text, timeout=30)
        ARTIFACTS.mkdir(exist_ok=True)
        d.save_screenshot(str(ARTIFACTS / "noise_tab_zh.png"))
        # the sketchpad's tool buttons, Gradio's own strings with no Chinese in Gradio, speak Chinese too
        from ui.i18n import ZH

        browser.open_tab(d, ZH["tab_dye"])
        tools = browser.wait_for(lambda: [b.get_attribute("aria-label") for b in
                                          d.find_elements("css selector", "#sketch button[aria-label]")], timeout=30)
        assert {"画笔", "橡皮擦", "平移", "放大"} <= set(tools), tools
        assert not [t for t in tools if t.isascii()], tools


def test_a_browser_that_reports_only_zh_gets_the_chinese_page(app_url):
    """navigator.language "zh" (no region): Gradio alone would show English beside the server's Chinese charts."""
    from ui.i18n import ZH

    with browser.opened(app_url, "zh", shown=None) as d:
        tabs = [ZH[k] for k in ("tab_lesson", "tab_dye", "tab_noise", "tab_denoise", "tab_steer", "tab_compare")]
        browser.wait_for(lambda: all(t in d.find_element("tag name", "body").text for t in tabs), timeout=60)
        labels = [b.text for b in d.find_elements("css selector", "button[role=tab]")]
        assert labels == tabs and "扩散课堂" in d.find_element("tag name", "body").text, labels
        browser.wait_for(lambda: "像素值分布" in d.find_element("css selector", "#hist").get_attribute("innerHTML"),
                         timeout=30)


def test_every_chart_line_is_drawn(driver, app_url):
    """The browser draws every line of every chart on every tab: a bad point (NaN) makes it drop a whole line."""
    import time

    script = ("return [...document.querySelectorAll('svg polyline')].filter(p => p.getClientRects().length)"
              ".map(p => { const b = p.getBBox(); return [p.points.numberOfItems, b.width + b.height]; })")
    driver.get(app_url)
    browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=60)
    seen = 0
    for tab in driver.find_elements("css selector", "button[role=tab]"):
        tab.click()
        end, lines = time.monotonic() + 15, []
        while time.monotonic() < end and not lines:         # a tab without charts (yet) shows none
            lines = driver.execute_script(script)
            time.sleep(0.2)
        assert all(n > 1 and size > 0 for n, size in lines), (tab.text, lines)
        seen += len(lines)
    assert seen >= 8, "the dye, noise and compare tabs draw at least eight lines between them"


def test_the_compare_tabs_model_choice_switches_its_quality_chart(driver, app_url):
    """Picking the other model in the Compare tab shows that model's own quality chart (or, for a student with
    none measured, the command that measures it), picking the first one again shows its chart again."""
    driver.get(app_url)
    browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=60)
    [b for b in driver.find_elements("css selector", "button[role=tab]") if b.text.startswith("5 ·")][0].click()
    quality = lambda: driver.find_element("css selector", "#cmp_quality").get_attribute("innerHTML")   # noqa: E731
    shows = {"teacher": ("Measured on the teacher",), "student": ("Measured on the student", "--model digits_student")}
    browser.open_section(driver, "cmp_hood", "#cmp_net input:checked")              # the choice is under the hood
    first = driver.find_element("css selector", "#cmp_net input:checked").get_attribute("value")    # the default
    other = "student" if first == "teacher" else "teacher"
    first_chart = browser.wait_for(lambda: (h := quality()) and any(w in h for w in shows[first]) and h, timeout=30)
    driver.find_element("css selector", f"#cmp_net label:has(input[value={other}])").click()
    browser.wait_for(lambda: any(w in quality() for w in shows[other]), timeout=30)
    driver.find_element("css selector", f"#cmp_net label:has(input[value={first}])").click()
    browser.wait_for(lambda: quality() == first_chart, timeout=30)
