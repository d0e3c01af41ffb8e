"""Issue 41: the Add-noise tab's forward view is drawn in the page from x_0 and the noise sent once.

The page's picture, weights, histogram and schedule cursor equal the server's (/noisy_view) at every t checked;
moving t by mouse, keyboard or touch makes no server call; the data call refuses bad input clearly."""
import base64
import json
import re

import numpy as np
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

import browser
import page_probe
from diffusion_core.lessons import forward
from diffusion_core.schedule import NoiseSchedule

TS = (0, 1, 500, 999, 1000)
need_browser = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")


@pytest.fixture(scope="module")
def ctx():
    from ui.context import AppContext

    return AppContext.create(model_names=())


def decoded(payload: str) -> dict:
    p = json.loads(payload)
    raw = {k: base64.b64decode(p[k]) for k in ("x0", "eps", "signal", "noise")}
    shape = (p["h"], p["w"], 3)
    return {**p, "x0": np.frombuffer(raw["x0"], np.uint8).reshape(shape),
            "codes": np.frombuffer(raw["eps"], "<i2").reshape(shape),
            "signal": np.frombuffer(raw["signal"], "<f8"), "noise": np.frombuffer(raw["noise"], "<f8")}


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_the_data_sent_once_are_the_servers_own(ctx, kind):
    """x_0, the noise codes and both weights at every k, as the server's view uses them."""
    from ui.noise_tab import view_data

    img = np.random.default_rng(1).integers(0, 256, (24, 40, 3), dtype=np.uint8)
    d = decoded(view_data(ctx, img, kind, 5))
    s = NoiseSchedule(kind)
    assert np.array_equal(d["x0"], img) and d["eps_scale"] == forward.EPS_SCALE and d["t_max"] == 1000
    assert np.array_equal(d["codes"], forward.display_noise(img.shape, 5)[0])
    assert [float(v) for v in d["signal"]] == [s.signal_weight(k) for k in range(1001)]
    assert [float(v) for v in d["noise"]] == [s.noise_weight(k) for k in range(1001)]


def test_the_shown_noise_is_the_seeded_noise_to_a_quarter_thousandth():
    codes, eps, picture = forward.display_noise((64, 48, 3), 9)
    exact = forward.seeded_noise((3, 64, 48), 9, 0).permute(1, 2, 0).numpy()
    assert np.abs(eps - exact).max() <= 0.5 / forward.EPS_SCALE + 1e-9
    assert np.array_equal(eps, codes.astype(np.float32) / forward.EPS_SCALE)
    v = forward.noisy_view(np.zeros((64, 48, 3), np.uint8), 1000, NoiseSchedule("linear"), seed=9)
    assert np.array_equal(v.noise, picture) and abs(v.std - 1) < 0.05


def test_the_data_call_refuses_bad_input_clearly(app_url, client):
    for kind, seed, words in (("quadratic", 0, "Noise schedule"), ("linear", -1, "Seed"), ("linear", "x", "Seed"),
                              (None, 0, "Noise schedule"), ("linear", 1e12, "Seed")):
        with pytest.raises(AppError, match=words):
            client.predict(kind, seed, api_name="/noise_initial_view")
    zh = Client(app_url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(AppError, match="噪声调度"):
        zh.predict("quadratic", 0, api_name="/noise_initial_view")
    assert decoded(client.predict("cosine", 3, api_name="/noise_initial_view"))["kind"] == "cosine"   # still serving


def numbers(svg: str, pattern: str) -> list[float]:
    return [float(v) for m in re.findall(pattern, svg) for v in (m if isinstance(m, tuple) else (m,))]


def chart_parts(bars: str, hist: str, sched: str) -> dict:
    """What a learner reads off the charts: the weights, the histogram's bars, y ticks and caption, the cursor."""
    return {"weights": re.findall(r"<code[^>]*>([^<]*)</code>", bars),
            "bars": numbers(hist, r'<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="[^"]+" fill-opacity'),
            "yticks": re.findall(r'text-anchor="end" font-size="10" fill="currentColor">([^<]*)<', hist),
            "caption": numbers(" ".join(re.findall(r'font-size="11" fill="currentColor">([^<]*)<', hist)), r"(-?\d+\.\d+)"),
            "cursor": [float(re.search(r'x1="([\d.]+)"', line)[1]) for line in re.findall(r"<line[^>]*stroke-dasharray[^>]*>", sched)]}


def page_charts(driver) -> tuple[str, str, str]:
    return driver.execute_script("""
        const e = document.querySelector('#x_t');
        return [e.querySelector('.fv-bars').innerHTML, e.querySelector('#hist').innerHTML,
                e.querySelector('.fv-sched').innerHTML];""")


def same_charts(page: dict, server: dict) -> None:
    assert page["weights"] == server["weights"]
    assert page["yticks"] == server["yticks"]
    assert len(page["bars"]) == len(server["bars"]) == 48 * 3
    assert np.abs(np.subtract(page["bars"], server["bars"])).max() <= 0.11        # one decimal printed
    assert len(page["caption"]) == len(server["caption"]) == 2                      # mean, std
    assert np.abs(np.subtract(page["caption"], server["caption"])).max() <= 0.0011
    assert len(page["cursor"]) == 1 and abs(page["cursor"][0] - server["cursor"][-1]) <= 0.051


@need_browser
def test_the_page_draws_the_servers_picture(ctx, app_url):
    """Both schedules, t = 0, 1, 500, 999, 1000: the canvas's pixels equal /noisy_view's handler's to one grey
    level, and the weights, histogram and cursor equal the server's charts."""
    from ui.noise_tab import slider_view

    d = browser.chrome("en")
    try:
        d.get(app_url)
        browser.wait_for(lambda: page_probe.drawn_t(d) is not None, timeout=60)
        for kind in ("linear", "cosine"):
            d.find_element("css selector", f"label:has(input[value={kind}])").click()
            browser.wait_for(lambda: d.execute_script(
                "return document.querySelector('#x_t canvas.fv-x').dataset.schedule") == kind, timeout=30)
            for t in TS:
                page_probe.set_t(d, t)
                x_t, bars, hist, sched = slider_view(ctx, None, t, kind, 0)
                shown = page_probe.canvas_pixels(d)
                assert shown.shape == x_t.shape
                diff = np.abs(shown.astype(int) - x_t).max()
                assert diff <= 1, f"{kind} t={t}: the page differs from the server by {diff} levels"
                off = np.mean(shown != x_t)                      # the same float32 steps: a rounding tie at most
                assert off < 1e-3, f"{kind} t={t}: {off:.2%} of the values are a level off (rounded another way?)"
                same_charts(chart_parts(*page_charts(d)), chart_parts(bars, hist, sched))
        noise = forward.noisy_view(ctx.default_photo, 0, NoiseSchedule("cosine")).noise
        assert np.abs(page_probe.canvas_pixels(d, "#x_t canvas.fv-n").astype(int) - noise).max() <= 1
    finally:
        d.quit()


def range_input(d):
    return browser.slider_input(d, "t_slider")


def drag(d, rng, moves: int, px: int = 1, start: float = 0.2) -> None:
    """Press on the slider's track at ``start`` of its width and move right ``moves`` times by ``px`` pixels."""
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(d, duration=10).move_to_element_with_offset(rng, int(rng.size["width"] * (start - 0.5)), 0)
    chain.click_and_hold()
    for _ in range(moves):
        chain.move_by_offset(px, 0)
    chain.release().perform()


@need_browser
def test_moving_t_calls_no_server_and_the_buttons_still_get_t(app_url):
    """With the event queue blocked, a mouse drag, arrow keys and Page Up / Down redraw x_t with no server call;
    the screen-reader text follows on release; then "walk t steps" (unblocked) walks the t the hand left."""
    from selenium.webdriver.common.keys import Keys

    d = browser.chrome("en")
    try:
        page_probe.count_calls(d)
        d.get(app_url)
        browser.wait_for(lambda: page_probe.drawn_t(d) is not None, timeout=60)
        rng, before = range_input(d), page_probe.canvas_pixels(d)
        page_probe.block_api(d)
        d.execute_script("window.__drawn = []; document.addEventListener('dc-drawn', e => __drawn.push(e.detail.t))")
        n0 = len(page_probe.calls(d))
        drag(d, rng, 40)
        drawn = d.execute_script("return window.__drawn")
        t = int(rng.get_attribute("value"))
        assert len(set(drawn)) >= 20 and drawn[-1] == t == page_probe.drawn_t(d), drawn
        assert np.abs(page_probe.canvas_pixels(d).astype(int) - before).mean() > 5, "x_t did not change"
        for key, step in ((Keys.ARROW_RIGHT, 1), (Keys.ARROW_LEFT, -1), (Keys.PAGE_UP, 50), (Keys.PAGE_DOWN, -50),
                          (Keys.PAGE_DOWN, -50)):
            rng.send_keys(key)
            t += step
            browser.wait_for(lambda: int(rng.get_attribute("value")) == t == page_probe.drawn_t(d), timeout=10)
            alt = d.find_element("css selector", "#x_t canvas.fv-x").get_attribute("aria-label")
            assert f"t = {t}:" in alt, (t, alt)
        assert page_probe.calls(d)[n0:] == [], "moving t called the server"
        page_probe.block_api(d, on=False)
        [b for b in d.find_elements("tag name", "button") if b.text == "Walk t steps and compare"][0].click()
        browser.wait_for(lambda: re.search(rf"\b{t} steps\b", d.find_element("tag name", "body").text), timeout=60)
        browser.screenshot(d, "41_noise_tab_en_desktop")
    finally:
        d.quit()


def touch_drag(d, rng, moves: int, px: int = 2) -> None:
    """A finger on the slider's thumb, moved right ``moves`` times by ``px`` pixels, then lifted."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    thumb = d.execute_script("""const r = arguments[0], b = r.getBoundingClientRect();
        return [b.left + (r.value - r.min) / (r.max - r.min) * b.width, b.top + b.height / 2];""", rng)
    act = ActionBuilder(d, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"), duration=10)
    act.pointer_action.move_to_location(int(thumb[0]), int(thumb[1])).pointer_down()
    for _ in range(moves):
        act.pointer_action.move_by(px, 0)
    act.pointer_action.pointer_up()
    act.perform()


VIEWS = [("en", 1400, "desktop"), ("zh-CN", 1400, "desktop"), ("en", 390, "phone"), ("zh-CN", 390, "phone")]


@need_browser
@pytest.mark.parametrize("lang,width,name", VIEWS, ids=[f"{v[0][:2]}-{v[2]}" for v in VIEWS])
def test_the_view_in_both_languages_at_desktop_and_phone_width(app_url, lang, width, name):
    """Captions and screen-reader text in the page's language, both pictures on screen side by side and inside the
    page's width; on a phone a finger drags t (the range input's own touch handling) with no server call."""
    from ui.i18n import tr

    code = "en" if lang == "en" else "zh-CN"
    d = browser.chrome(lang, width, 1000 if width > 500 else 844)
    try:
        page_probe.count_calls(d)
        d.get(app_url)
        browser.wait_for(lambda: page_probe.drawn_t(d) is not None, timeout=60)
        view = d.find_element("css selector", "#x_t")
        assert view.find_element("css selector", ".fv-cap-x").text == tr("x_t", code)
        assert tr("hist_title", code) in view.find_element("css selector", "#hist").get_attribute("innerHTML")
        x, n = (view.find_element("css selector", f"canvas.fv-{c}") for c in "xn")
        s = NoiseSchedule("linear")
        assert x.get_attribute("aria-label") == tr("x_t_alt", code, t=250, a=s.signal_weight(250), b=s.noise_weight(250))
        side_by_side = abs(x.rect["y"] - n.rect["y"]) < 2 and x.rect["x"] < n.rect["x"]
        assert side_by_side if name == "desktop" else x.rect["y"] + x.rect["height"] <= n.rect["y"]
        assert x.rect["width"] > (300 if name == "phone" else 200), x.rect
        assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        if name == "phone":
            rng, before, n0 = range_input(d), page_probe.canvas_pixels(d), len(page_probe.calls(d))
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", rng)
            touch_drag(d, rng, 15)
            t = int(rng.get_attribute("value"))
            assert t > 260 and browser.wait_for(lambda: page_probe.drawn_t(d) == t, timeout=10)
            assert np.abs(page_probe.canvas_pixels(d).astype(int) - before).mean() > 1, "x_t did not change"
            assert f"t = {t}" in x.get_attribute("aria-label") and page_probe.calls(d)[n0:] == []
        browser.screenshot(d, f"41_noise_tab_{lang[:2]}_{name}", view)
    finally:
        d.quit()
