"""Probes into a page for the browser tests and bench/noise_tab.py: the server calls it makes, a canvas's
pixels, the Add-noise tab's t slider set as a hand would."""
from __future__ import annotations

import base64

import numpy as np

import browser

# Installed before the page's own scripts: every request to the app's API (fetch, XHR, EventSource, WebSocket) is
# noted in window.__calls, except the heartbeat that an open page keeps.
COUNT_CALLS = """
window.__calls = [];
(() => {
  const note = u => { u = String(u && u.url || u); if (u.includes('/gradio_api/') && !u.includes('heartbeat')) window.__calls.push(u); };
  const fetch0 = window.fetch;
  window.fetch = function (input) { note(input); return fetch0.apply(this, arguments); };
  const open0 = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) { note(url); return open0.apply(this, arguments); };
  for (const name of ['EventSource', 'WebSocket']) {
    const Orig = window[name];
    window[name] = function (url, opts) { note(url); return new Orig(url, opts); };
    window[name].prototype = Orig.prototype;
  }
})();
"""


def count_calls(driver) -> None:
    """From the next page load on, note the page's API calls (read them with ``calls``)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_CALLS})


def calls(driver) -> list[str]:
    return driver.execute_script("return window.__calls || []")


def block_api(driver, on: bool = True) -> None:
    """Make every request to the app's event queue fail (a page that still draws needs no server)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/gradio_api/queue/*", "*/gradio_api/call/*"] if on else []})


def canvas_pixels(driver, css: str = "#x_t canvas.fv-x") -> np.ndarray:
    """The canvas's own pixels (its backing store, whatever its size on screen), RGB uint8 [H, W, 3]."""
    w, h, b64 = driver.execute_script("""
        const c = document.querySelector(arguments[0]), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let s = '';
        for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
        return [c.width, c.height, btoa(s)];""", css)
    return np.frombuffer(base64.b64decode(b64), np.uint8).reshape(h, w, 4)[..., :3]


def drawn_t(driver, canvas: str = "#x_t canvas.fv-x") -> int | None:
    """The t (or time) a canvas the page draws shows (None before its first picture)."""
    t = driver.execute_script("return document.querySelector(arguments[0])?.dataset.t", canvas)
    return None if t is None else int(t)


def set_t(driver, t: int, slider: str = "t_slider", canvas: str = "#x_t canvas.fv-x") -> None:
    """Put a slider (elem_id) at ``t`` as a drag would (the range input's value, then its input event) and wait
    until the canvas it drives shows it, and its charts too (a view that draws them a frame later says which t
    they show in data-charts-t)."""
    driver.execute_script("""
        const r = document.querySelector(`#${arguments[1]} input[type=range]`);
        r.value = String(arguments[0]);
        r.dispatchEvent(new Event('input', {bubbles: true}));""", t, slider)
    browser.wait_for(lambda: drawn_t(driver, canvas) == t, timeout=10)
    browser.wait_for(lambda: driver.execute_script("return document.querySelector(arguments[0]).dataset.chartsT ?? null",
                                                   canvas) in (None, str(t)), timeout=10)
