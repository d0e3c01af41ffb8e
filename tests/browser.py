"""Headless Chromium (Debian's chromium + chromium-driver) driven by selenium, for tests and bench/."""
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


def chrome(lang: str = "en", width: int = 1400, height: int = 2000) -> webdriver.Chrome:
    o = Options()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
              f"--window-size={width},{height}", f"--lang={lang}", f"--user-data-dir={tempfile.mkdtemp()}"):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(DRIVER), options=o)


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
    imgs = driver.find_elements(By.CSS_SELECTOR, f"#{elem_id} img")
    return imgs[0].get_attribute("src") if imgs else ""


def slider_input(driver, elem_id: str):
    return driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input[type=range]")
