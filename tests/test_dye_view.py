"""Issue 41, the Dye tab: the drop's film and the forward process on it are sent once and drawn in the page.

The film is the walk ``dye.dye_at`` takes, frame for frame; the page's glass, heat equation, status and forward
process equal the server's (/drop_dye's handlers) at every time checked; moving either slider makes no server call;
a click on the glass drops the dye there."""
import base64
import json
import re
import zlib

import numpy as np
import pytest

import browser
import page_probe
from diffusion_core.lessons import dye
from diffusion_core.schedule import NoiseSchedule

need_browser = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")
GLASS, CLOUD = "#dye_view canvas.dv-glass", "#cloud_view canvas.dv-cloud"


def test_the_film_is_the_walk_frame_for_frame():
    f = dye.film(0.3, 0.6, 1500, 4)
    assert f.counts.shape == (dye.MAX_STEPS + 1, dye.GRID, dye.GRID) and (f.counts.sum((1, 2)) == 1500).all()
    for k in (0, 1, 57, dye.MAX_STEPS):
        st = dye.dye_at(0.3, 0.6, k, 1500, 4)
        assert np.array_equal(f.picture(k), st.picture), k
        assert f.entropy[k] == st.entropy
    assert f.entropy[0] < 0.3 < 0.9 < f.entropy[-1]                 # a drop spreads until the glass is even


def test_the_glass_data_are_the_films_counts():
    from ui import dye_view

    p = json.loads(dye_view.glass_payload(0.7, 0.2, 2000, 1, "en"))
    planes = np.frombuffer(zlib.decompress(base64.b64decode(p["counts"])), np.uint8).reshape(2, -1)
    counts = (planes[0].astype(np.uint16) | planes[1].astype(np.uint16) << 8).reshape(-1, dye.GRID, dye.GRID)
    f = dye.film(0.7, 0.2, 2000, 1)
    assert np.array_equal(counts, f.counts)
    assert np.array_equal(np.frombuffer(base64.b64decode(p["entropy"]), "<f8"), f.entropy)


@pytest.fixture(scope="module")
def ctx():
    from ui.context import AppContext

    return AppContext.create(model_names=())


@need_browser
def test_the_page_draws_the_servers_glass_and_forward_process(ctx, app_url):
    """At times 0, 1, 60, 400, 800 the glass equals the server's picture and its heat equation to one level, the
    status is the server's; at t = 0, 1, 100, 500, 1000 the forward process equals the server's picture. Both
    sliders are moved with the event queue blocked: no server call."""
    from ui.dye_handlers import glass_views, model_views
    from ui.i18n import EN

    d = browser.chrome("en")
    try:
        page_probe.count_calls(d)
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.open_tab(d, EN["tab_dye"])
        browser.wait_for(lambda: page_probe.drawn_t(d, GLASS) is not None and page_probe.drawn_t(d, CLOUD) is not None,
                         timeout=60)
        page_probe.block_api(d)
        n0 = len(page_probe.calls(d))
        for t in (0, 1, 60, 400, dye.MAX_STEPS):
            page_probe.set_t(d, t, "dye_t", GLASS)
            glass, heat, _, status = glass_views(0.5, 0.5, t, 3000, 0, "en")
            assert np.array_equal(page_probe.canvas_pixels(d, GLASS), glass), f"the glass at time {t}"
            diff = np.abs(page_probe.canvas_pixels(d, "#dye_view canvas.dv-heat").astype(int) - heat).max()
            assert diff <= 1, f"the heat equation at time {t}: {diff} levels off"
            assert browser.text_of(d, "dye_status") == status
        for t in (0, 1, 100, 500, 1000):
            page_probe.set_t(d, t, "model_t", CLOUD)
            cloud, _ = model_views(ctx, 0.5, 0.5, t, 0, "en")
            assert np.array_equal(page_probe.canvas_pixels(d, CLOUD), cloud), f"the forward process at t = {t}"
        assert page_probe.calls(d)[n0:] == [], "moving a slider called the server"
    finally:
        d.quit()


@need_browser
def test_a_click_on_the_glass_drops_the_dye_there(app_url):
    from selenium.webdriver.common.action_chains import ActionChains

    from ui.i18n import ZH

    d = browser.chrome("zh-CN")
    try:
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        browser.open_tab(d, ZH["tab_dye"])
        browser.wait_for(lambda: page_probe.drawn_t(d, GLASS) is not None, timeout=60)
        glass = d.find_element("css selector", GLASS)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", glass)
        w, h = glass.size["width"], glass.size["height"]
        ActionChains(d).move_to_element_with_offset(glass, int(-0.3 * w), int(-0.3 * h)).click().perform()  # (0.2, 0.8)
        where = browser.wait_for(lambda: re.search(r"\((0\.\d\d), (0\.\d\d)\)", browser.text_of(d, "dye_status"))
                                 and "(0.50, 0.50)" not in browser.text_of(d, "dye_status")
                                 and re.search(r"\((0\.\d\d), (0\.\d\d)\)", browser.text_of(d, "dye_status")), timeout=60)
        assert abs(float(where[1]) - 0.2) <= 0.02 and abs(float(where[2]) - 0.8) <= 0.02, where[0]
        px = page_probe.canvas_pixels(d, GLASS)
        dyed = np.argwhere(px[..., 1] < 200)                       # the red of the dye (green channel low)
        centre = dyed.mean(0) / px.shape[0]                        # (row, column) in [0, 1]
        assert abs(centre[1] - 0.2) < 0.1 and abs(centre[0] - 0.2) < 0.1, centre
        browser.screenshot(d, "41_dye_view_zh")
    finally:
        d.quit()
