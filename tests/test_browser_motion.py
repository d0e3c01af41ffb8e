"""prefers-reduced-motion (issue 47): a run that streams its steps does not play them as a film for a learner who
asked their system for less motion; it shows the last frame when the run ends, with the scrubber to step through.
The same run in a browser without the setting plays step by step (so the check can fail)."""
import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="needs chromium + chromedriver")

# Every animation frame, note each distinct picture the learner can see in #dn_xt (its img shown, not hidden)
WATCH = """
window.__seen = [];
const look = () => {
  const img = document.querySelector('#dn_xt img');
  if (img && img.src && img.checkVisibility({visibilityProperty: true, opacityProperty: true}) &&
      window.__seen[window.__seen.length - 1] !== img.src) window.__seen.push(img.src);
  window.__watch = requestAnimationFrame(look);
};
look();
"""


def pictures_seen_during_a_run(app_url: str, reduce: bool) -> tuple[list[str], str, int]:
    """Generate on the Denoise tab (20 steps); the pictures of #dn_xt a learner saw, the one shown at the end and
    the scrubber's last frame."""
    from ui.i18n import EN

    d = browser.chrome("en", 1400, 1200)
    try:
        if reduce:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                              {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
        d.get(app_url)
        browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
        assert d.execute_script("return matchMedia('(prefers-reduced-motion: reduce)').matches") == reduce
        browser.open_tab(d, EN["tab_denoise"])
        before = browser.image_src(d, "dn_xt")
        d.execute_script(WATCH)
        browser.click(d, "dn_go")
        done = EN["dn_done"].split("{")[0]
        browser.wait_for(lambda: browser.text_of(d, "dn_status").startswith(done), timeout=120)
        browser.wait_for(lambda: not d.find_elements("css selector", "#dn_xt .wrap.generating"), timeout=30)
        final = browser.wait_for(lambda: (s := browser.image_src(d, "dn_xt")) != before and s, timeout=30)
        seen = d.execute_script("cancelAnimationFrame(window.__watch); return window.__seen")
        scrub_max = int(d.find_element("css selector", "#dn_scrub input[type=range]").get_attribute("max"))
        browser.screenshot(d, f"47_motion_{'reduce' if reduce else 'full'}",
                           browser.around(d, "dn_status", "column"))
        return [s for s in seen if s != before], final, scrub_max
    finally:
        d.quit()


def test_reduced_motion_shows_the_last_frame_not_the_film(app_url):
    seen, final, scrub_max = pictures_seen_during_a_run(app_url, reduce=True)
    assert seen and seen[-1] == final, "the run's last frame is shown when it ends"
    assert len(seen) == 1, f"{len(seen)} pictures flashed by during the run"
    assert scrub_max >= 10, "the scrubber steps through the kept frames"
    played, final, _ = pictures_seen_during_a_run(app_url, reduce=False)
    assert len(played) >= 5 and played[-1] == final, "without the setting the steps play as they come"
