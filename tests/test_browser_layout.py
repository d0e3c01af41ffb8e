"""What a person sees (issue 40): pictures whole under their titles, titles and the race's results in full,
closed sections hiding what they produced, Chinese error pop-ups titled in Chinese. In English and Chinese, at
desktop size and at phone width; each check leaves a screenshot in tests/artifacts (40_*.png)."""
import pytest

import browser

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")

DESKTOP = (1400, 1000)
VIEWS = [("en", DESKTOP, "desktop"), ("zh-CN", DESKTOP, "desktop"), ("en", browser.PHONE, "phone"),
         ("zh-CN", browser.PHONE, "phone")]
IDS = [f"{lang[:2]}-{size}" for lang, _, size in VIEWS]

# Every visible picture on the page against the title and toolbar of its block: the painted picture (object-fit:
# contain leaves bars beside it) must not lie under either, the title must not lie under the toolbar, run past the
# block's edge or be clipped. Gallery thumbnails count as pictures of the gallery's block.
COVERED = """
const inter = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
const painted = (img) => {
  const r = img.getBoundingClientRect();
  if (getComputedStyle(img).objectFit !== 'contain' || !img.naturalWidth) return r;
  const s = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
  const w = img.naturalWidth * s, h = img.naturalHeight * s;
  const left = r.left + (r.width - w) / 2, top = r.top + (r.height - h) / 2;
  return {left, top, right: left + w, bottom: top + h};
};
const shown = (e) => e && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
const problems = [];
let pictures = 0;
for (const img of document.querySelectorAll('.block img')) {
  if (!shown(img) || !img.complete || !img.naturalWidth) continue;
  const block = img.closest('.block');
  if (block.closest('.fullscreen')) continue;
  const label = block.querySelector(':scope > label[data-testid=block-label]');
  const bar = [...block.querySelectorAll('.icon-button-wrapper.top-panel')].find(shown);
  const name = (label && label.textContent.trim()) || block.id || '?';
  pictures += 1;
  const p = painted(img);
  if (shown(label) && inter(label.getBoundingClientRect(), p)) problems.push(`title over the picture: ${name}`);
  if (bar && inter(bar.getBoundingClientRect(), p)) problems.push(`toolbar over the picture: ${name}`);
  if (shown(label)) {
    const l = label.getBoundingClientRect(), b = block.getBoundingClientRect();
    if (bar && inter(bar.getBoundingClientRect(), l)) problems.push(`toolbar over the title: ${name}`);
    if (l.right > b.right + 1 || label.scrollWidth > label.clientWidth + 1) problems.push(`title cut off: ${name}`);
  }
}
return [pictures, [...new Set(problems)]];
"""


def open_tab(d, key: str) -> None:
    """Show the tab labelled T(key), from the tab bar or, on a phone, from its overflow menu."""
    browser.open_tab(d, *strings(key))


def button(d, *texts: str):
    """The visible button whose text is one of ``texts`` (English or Chinese)."""
    return browser.wait_for(lambda: [b for b in d.find_elements("tag name", "button")
                                     if b.is_displayed() and b.text in texts][0], timeout=30)


def strings(key: str) -> tuple[str, str]:
    from ui.i18n import EN, ZH

    return EN[key], ZH[key]


def check_pictures(d, least: int, shot: str, top) -> None:
    """Every picture shown now is whole and every title fits (at least ``least`` pictures on screen); the
    screenshot ``shot`` shows the window from element ``top`` down."""
    import time

    d.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    time.sleep(0.5)                                         # let a new picture load and finish its layout
    count, problems = d.execute_script(COVERED)
    d.execute_script("arguments[0].scrollIntoView({block: 'start'})", top)
    time.sleep(0.2)
    browser.screenshot(d, shot)
    assert count >= least, f"{shot}: {count} pictures shown"
    assert not problems, f"{shot}: {problems}"


def page(lang: str, size: tuple[int, int], app_url: str):
    d = browser.chrome(lang, *size)
    d.get(app_url)
    browser.wait_for(lambda: browser.image_src(d, "x_t"), timeout=120)
    return d


@pytest.mark.parametrize("lang,size,name", VIEWS, ids=IDS)
def test_pictures_show_whole_under_titles_that_fit(app_url, lang, size, name):
    """Item 5: Gradio floats an image's title and its toolbar over the picture's top (they hid the top row of every
    digit grid and cut titles short). On every tab, each shown picture lies wholly below both."""
    tag = f"{lang[:2]}_{name}"
    d = page(lang, size, app_url)
    try:
        x_t = d.find_element("css selector", "#x_t")
        check_pictures(d, 3, f"40_5_noise_{tag}", x_t)                      # the photo, x_t and the noise
        before = d.execute_script(COVERED)[0]
        jump = button(d, *strings("jump_btn"))
        jump.click()
        browser.wait_for(lambda: d.execute_script(COVERED)[0] >= before + 2, timeout=60)     # jump and walk
        check_pictures(d, before + 2, f"40_5_noise_jump_{tag}", jump)
        open_tab(d, "tab_dye")
        browser.wait_for(lambda: browser.image_src(d, "glass"), timeout=30)
        # the glass, the heat equation and the forward process are the page's own canvases under their own titles
        sizes = d.execute_script("return [...document.querySelectorAll('#dye_view canvas, #cloud_view canvas')]"
                                 ".map(c => c.getBoundingClientRect().width)")
        assert len(sizes) == 3 and min(sizes) >= min(150, size[0] * 0.35), sizes
        check_pictures(d, 0, f"40_5_dye_{tag}", d.find_element("css selector", "#glass"))
        open_tab(d, "tab_denoise")
        button(d, *strings("generate")).click()
        browser.wait_for(lambda: strings("dn_done")[lang != "en"].split("{")[0] in d.find_element(
            "tag name", "body").text, timeout=120)
        grid = [e for e in d.find_elements("css selector", ".pixelated") if e.is_displayed()][0]
        check_pictures(d, 3, f"40_5_denoise_grid_{tag}", grid)              # x_t, x0 and eps
    finally:
        d.quit()


def prefix(key: str, lang: str) -> str:
    """The fixed start of the string ``key`` in the page's language (up to its first {field})."""
    return strings(key)[lang != "en"].split("{")[0].strip()


def literal(key: str, lang: str) -> str:
    """The longest fixed part of the string ``key`` in the page's language (between its {fields})."""
    import re

    return max(re.split(r"\{[^}]*\}", strings(key)[lang != "en"]), key=len).strip()


def cell_box(d, key: str, what: str = "input"):
    """The Compare tab's checkbox (or with ``what="label"`` its label) of the cell ``key`` ("sampler:steps")."""
    return d.find_element("css selector", f"label:has(input[type=checkbox][name='{key}'])" if what == "label" else
                          f"input[type=checkbox][name='{key}']")


def pick_cells(d, keep: tuple[str, ...]) -> None:
    """Tick exactly the Compare cells ``keep``."""
    import time

    from diffusion_core.lessons import compare

    keys = [compare.cell_key(n, s) for n, s in compare.DEFAULT_CELLS + compare.EXTRA_CELLS]
    browser.wait_for(lambda: cell_box(d, keys[0]), timeout=60)
    for key in keys:
        if cell_box(d, key).is_selected() != (key in keep):
            label = cell_box(d, key, "label")
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
            label.click()
            time.sleep(0.2)
    assert {k for k in keys if cell_box(d, k).is_selected()} == set(keep)


RACE = ("dpmpp2m:10", "ddim:10", "heun:10", "flow_euler:10")   # quick cells, the longest name, the flow net's

# each thumbnail's caption: its text, whether it is cut short, and whether it lies over its own picture
CAPTIONS = """
const inter = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
return [...document.querySelectorAll('#cmp_gallery .thumbnail-item')].map(t => {
  const c = t.querySelector('.caption-label'), img = t.querySelector('img');
  return [c ? c.innerText : '', !!c && (c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1),
          !!c && !!img && inter(c.getBoundingClientRect(), img.getBoundingClientRect())];
});
"""

# table cells cut short, or (a value) with a word broken across lines: more lines than its parts between spaces,
# hyphens and brackets
TABLE_CUT = """
return [...arguments[0].querySelectorAll('td, th')].filter(c => {
  const range = document.createRange();
  range.selectNodeContents(c);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  const broken = c.tagName === 'TD' && lines > c.innerText.trim().split(/[\\s(-]+/).length;
  return broken || c.scrollWidth > c.clientWidth + 1;
}).map(c => c.innerText);
"""


@pytest.mark.parametrize("lang,size,name", VIEWS, ids=IDS)
def test_the_race_shows_every_cells_calls_and_seconds(app_url, lang, size, name):
    """Item 6: the race is about network calls and seconds, and the thumbnails' captions cut them off ("DDIM · 10
    step..."). Every cell's calls and seconds are on screen in full, and every caption fits beside its picture."""
    import re

    from diffusion_core.lessons import compare

    tag = f"{lang[:2]}_{name}"
    d = page(lang, size, app_url)
    try:
        open_tab(d, "tab_compare")
        pick_cells(d, RACE)
        button(d, *strings("cmp_go")).click()
        browser.wait_for(lambda: len(d.find_elements("css selector", "#cmp_table tbody tr")) == len(RACE), timeout=180)
        table = d.find_element("css selector", "#cmp_table table")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", table)
        rows = [[td.text for td in tr.find_elements("tag name", "td")] for tr in table.find_elements("css selector",
                                                                                                    "tbody tr")]
        want = sorted((compare.METHODS[n].label, str(s), str(compare.METHODS[n].nfe(s)))
                      for n, s in map(compare.parse_cell, RACE))
        assert sorted(tuple(r[:3]) for r in rows) == want, rows
        assert all(re.fullmatch(r"\d+\.\d\d", r[3]) for r in rows), rows               # the seconds, as text
        clipped = d.execute_script(TABLE_CUT, table)
        assert not clipped, clipped
        assert table.rect["x"] >= 0 and table.rect["x"] + table.rect["width"] <= size[0] + 1, table.rect
        captions = d.execute_script(CAPTIONS)
        labels = sorted(f"{compare.METHODS[n].label} · {s}" for n, s in map(compare.parse_cell, RACE))
        assert sorted(" ".join(c.split()) for c, _, _ in captions) == labels, captions
        assert not [c for c, cut, over in captions if cut or over], captions
        check_pictures(d, len(RACE), f"40_6_compare_{tag}", d.find_element("css selector", "#cmp_gallery"))
    finally:
        d.quit()


@pytest.mark.parametrize("lang,size,name", [VIEWS[0], VIEWS[3]], ids=[IDS[0], IDS[3]])
def test_a_closed_section_hides_what_it_produced(app_url, lang, size, name):
    """Item 7: the Denoise tab's question sections (the guide, teacher and student, is it copying?) left their
    result paragraphs on screen when closed. Run each, see its paragraph, close it: the paragraph goes with it."""
    tag = f"{lang[:2]}_{name}"
    d = page(lang, size, app_url)
    body = lambda: d.find_element("tag name", "body").text       # noqa: E731 - the text a person sees
    try:
        open_tab(d, "tab_denoise")
        button(d, *strings("generate"))                            # the tab is up
        browser.open_section(d, "dn_hood", "#dn_net")              # the guide and student questions are in it
        sections = [(go, result) for go, result in (("guide_go", "guide_stats"), ("student_go", "student_stats"),
                                                    ("copy_go", "copy_dist"))
                    if [b for b in d.find_elements("tag name", "button") if b.text.startswith(strings(go))]]
        assert len(sections) >= 2, "the test assets give the guide and the student sections"
        for go, result in sections:
            title = strings(go)[lang != "en"]
            head = [b for b in d.find_elements("tag name", "button") if b.text.startswith(title) and b.text != title][0]
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", head)
            head.click()
            button(d, title).click()
            text = literal(result, lang)
            browser.wait_for(lambda: text in body(), timeout=180)
            browser.screenshot(d, f"40_7_{go}_open_{tag}", head.find_element("xpath", "./.."))
            head.click()
            browser.wait_for(lambda: text not in body(), timeout=10)
            browser.screenshot(d, f"40_7_{go}_closed_{tag}", head.find_element("xpath", "./.."))
    finally:
        d.quit()


@pytest.mark.parametrize("lang,size,name", [VIEWS[1], VIEWS[3], VIEWS[0]], ids=[IDS[1], IDS[3], IDS[0]])
def test_error_popups_are_titled_in_the_pages_language(app_url, lang, size, name):
    """Item 8: Gradio titles every error pop-up "Error" (from its type, not from its strings), so a Chinese page's
    Chinese message came under an English title. Untick every Compare cell (the server answers gr.Error): the
    pop-up's title is 错误 on a Chinese page, Error on an English one."""
    import re

    tag = f"{lang[:2]}_{name}"
    d = page(lang, size, app_url)
    try:
        open_tab(d, "tab_compare")
        pick_cells(d, RACE[:1])
        cell_box(d, RACE[0], "label").click()                     # no cell left: the server answers gr.Error
        toast = browser.wait_for(lambda: [t for t in d.find_elements("css selector", "[data-testid=toast-body]")
                                          if t.is_displayed()][0], timeout=30)
        title = re.sub(r"\s*\(\d+\)$", "", toast.find_element("css selector", ".toast-title").text.strip())  # "(2)": count
        assert prefix("cmp_no_cells", lang) in toast.text
        assert title == ("Error" if lang == "en" else "错误"), title                 # Gradio's zh-CN "common.error"
        browser.screenshot(d, f"40_8_error_{tag}", toast)
    finally:
        d.quit()
