"""Headless Chromium (Debian's chromium + chromium-driver) driven by selenium, for tests and bench/."""
import io
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


# screenshots the browser tests take of what they checked, kept by CI as artefacts (TEST_ARTIFACTS overrides)
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")
PHONE = (390, 844)
TABLET = (768, 1024)
# each tab's key in ui/strings_*.py -> (its main control, its main picture): elem_ids
TAB_MAIN = {"tab_lesson": ("lesson_check", "lesson_choice"), "tab_dye": ("glass", "glass"), "tab_noise": ("t_slider", "x_t"), "tab_denoise": ("dn_go", "dn_xt"),
            "tab_steer": ("st_go", "st_xt"), "tab_compare": ("cmp_go", "cmp_gallery")}


def chrome(lang: str = "en", width: int = 1400, height: int = 2000) -> webdriver.Chrome:
    """Headless Chromium in ``lang``; a width under 500 px emulates a phone (headless windows are at least 500 wide)."""
    o = Options()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
              f"--window-size={width},{height}", f"--lang={lang}", f"--user-data-dir={tempfile.mkdtemp()}"):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    if width < 500:
        o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height,
                                                                        "pixelRatio": 2.0, "touch": True}})
    return webdriver.Chrome(service=Service(DRIVER), options=o)


@contextmanager
def opened(url: str, lang: str = "en", width: int = 1400, height: int = 2000,
           shown: str | None = "x_t") -> Iterator[webdriver.Chrome]:
    """A browser on the app's page, once the picture ``shown`` (an elem_id; None: do not wait) is drawn; closed
    after the block, whatever happened in it."""
    d = chrome(lang, width, height)
    try:
        d.get(url)
        if shown is not None:
            wait_for(lambda: image_src(d, shown), timeout=120)
        yield d
    finally:
        d.quit()


def viewport(lang: str, width: int, height: int) -> webdriver.Chrome:
    """Chromium whose viewport (not its window) is width x height: a phone's by emulation, else by sizing the
    window around it."""
    d = chrome(lang, width, height)
    if width >= 500:                  # (a phone's viewport is its width once a page with a viewport tag is loaded)
        w, h = d.execute_script("return [innerWidth, innerHeight]")
        d.set_window_size(2 * width - w, 2 * height - h)
        assert d.execute_script("return [innerWidth, innerHeight]") == [width, height]
    return d


def screenshot(driver, name: str, elem=None) -> Path:
    """Save what the browser shows (the whole window, or one element scrolled into view) as ARTIFACTS/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if elem is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", elem)
        elem.screenshot(str(path))
    else:
        driver.save_screenshot(str(path))
    return path


def wait_for(fn, timeout: float = 30.0, every: float = 0.02):
    """Poll fn() until it returns something truthy; return it, or raise TimeoutError."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            v = fn()
        except Exception:
            v = None
        if v:
            return v
        time.sleep(every)
    raise TimeoutError("condition not met")


def image_src(driver, elem_id: str) -> str:
    """What the element's picture shows: its img's src, or the pixels of a canvas the page has drawn (data-t set,
    as the Add-noise tab's x_t) as a data URL; "" before either."""
    imgs = driver.find_elements(By.CSS_SELECTOR, f"#{elem_id} img")
    if imgs:
        return imgs[0].get_attribute("src")
    return driver.execute_script("const c = document.querySelector(`#${arguments[0]} canvas[data-t]`);"
                                 "return c ? c.toDataURL() : '';", elem_id)


def slider_input(driver, elem_id: str):
    return driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input[type=range]")


def open_tab(driver, *names: str) -> None:
    """Show the tab whose label is one of ``names``: from the tab bar or, on a phone, from its overflow menu."""
    tabs = [b for b in driver.find_elements(By.CSS_SELECTOR, "button[role=tab]") if b.text in names]
    if tabs:
        tabs[0].click()
        return
    driver.find_element(By.CSS_SELECTOR, ".overflow-menu > button").click()
    wait_for(lambda: [b for b in driver.find_elements(By.CSS_SELECTOR, ".overflow-dropdown button")
                      if b.text in names][0]).click()


def shown(d, elem_id: str) -> bool:
    """The element is in the page and has a box (its tab is open)."""
    return bool(d.execute_script("const e = document.getElementById(arguments[0]);"
                                 "return !!e && e.getBoundingClientRect().height > 0", elem_id))


def click(d, elem_id: str) -> None:
    el = d.find_element("css selector", f"#{elem_id}")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def open_section(d, elem_id: str, inside: str) -> None:
    """Open the folded section (a gr.Accordion) ``elem_id`` and wait for ``inside`` (a css selector) to be in the
    page: Gradio puts a closed section's contents into the page only when it is first opened."""
    if not d.find_elements("css selector", inside):
        click(d, f"{elem_id} > button.label-wrap")
    wait_for(lambda: d.find_elements("css selector", inside), timeout=30)


def text_of(d, elem_id: str) -> str:
    return d.find_element("css selector", f"#{elem_id}").text


def around(d, elem_id: str, kind: str):
    """The nearest Gradio row or column ("row" / "column") holding the element: what a screenshot shows of it."""
    return d.find_element("css selector", f"#{elem_id}").find_element(
        "xpath", f"./ancestor::div[contains(concat(' ', @class, ' '), ' {kind} ')][1]")


def pixels(d, css: str) -> np.ndarray:
    """What the element shows on screen, as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(d.find_element("css selector", css).screenshot_as_png)).convert("RGB"))


def shown_square(shot: np.ndarray) -> np.ndarray:
    """The picture inside an img element's screenshot: a square picture shown whole (object-fit: contain) sits in
    the middle of its box; its outer 2 pixels left out."""
    h, w = shot.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return shot[top + 2:top + side - 2, left + 2:left + side - 2]
