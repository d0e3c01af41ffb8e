"""A school: two replicas (python app.py) behind the shipped deploy/nginx.conf at /classroom/, on loopback.

Through the proxy a real browser uses the page (the locale script, the t slider, a streamed run, its GIF), REST
learners with cookie jars of their own spread over both replicas and stay on theirs, and when one replica is killed
the other's learners carry on, new learners go to the survivor, the dead one's learners are told to reload and a
reloaded page works. Last, SIGTERM drains the survivor: its run in hand finishes and it exits.
The tests run in this order and share the replicas (about 3 minutes, most of it the apps' start-up).
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

import browser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import loopback  # noqa: E402

needs_nginx = pytest.mark.skipif(loopback.nginx_binary() is None, reason="nginx not installed (Debian: nginx)")
needs_browser = pytest.mark.skipif(not browser.available(), reason="Debian chromium + chromium-driver not installed")
SLIDE = (500, "linear", 0)                      # /noisy_view: t, schedule, seed
STEP = re.compile(r"第 (\d+) / (\d+) 步")        # the Denoise tab's status while a run streams (zh-CN)


def tr(key: str, lang: str = "en", **kw) -> str:
    from ui.i18n import tr as translate
    return translate(key, lang, **kw)


class Learner:
    """A REST learner: a cookie jar of its own, Gradio's queue API through the proxy (or any URL)."""

    def __init__(self, url: str):
        import httpx
        self.http = httpx.Client(base_url=url, timeout=180)
        self.replica = self.http.get("config").headers["x-replica"]      # the first answer sets the cookie

    def call(self, api: str, *args) -> tuple[str, str, str]:
        """(kind, data or refusal detail, replica that answered): kind "complete", "error" or "refused"."""
        r = self.http.post(f"gradio_api/call/{api}", json={"data": list(args)})
        if r.status_code != 200:
            return "refused", r.json().get("detail", r.text), r.headers.get("x-replica", "")
        kind, data = "none", ""
        with self.http.stream("GET", f"gradio_api/call/{api}/{r.json()['event_id']}") as resp:
            for line in resp.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:].strip()
                elif line.startswith("data: ") and kind in ("complete", "error"):
                    data = line[6:]
                    break
        return kind, data, r.headers["x-replica"]


@pytest.fixture(scope="module")
def room():
    with loopback.classroom(2, env={"CLASSROOM_DRAIN_SECONDS": "600"}) as room:      # no deadline on a busy machine
        yield room
        (browser.ARTIFACTS / "proxy").mkdir(parents=True, exist_ok=True)      # the replicas' and nginx's logs
        for log in room.dir.glob("*.log"):
            (browser.ARTIFACTS / "proxy" / log.name).write_bytes(log.read_bytes())


@pytest.fixture(scope="module")
def driver():
    d = browser.chrome("zh")        # navigator.language "zh": the locale script must load Gradio's bundle to switch
    yield d
    d.quit()


@pytest.fixture(scope="module")
def learners(room) -> list[Learner]:
    """REST learners, fresh cookie jars, until each replica has two (each is a coin toss: 40 tries never fail)."""
    out = []
    while min(sum(x.replica == n for x in out) for n in room.replicas) < 2 and len(out) < 40:
        out.append(Learner(room.url))
    return out


def page_replica(driver) -> str:
    return driver.execute_async_script("fetch('healthz').then(r => r.json()).then(j => arguments[0](j.replica))")


def open_denoise_tab(driver) -> None:
    from ui.strings_zh import ZH
    [b for b in driver.find_elements("css selector", "button[role=tab]") if b.text == ZH["tab_denoise"]][0].click()


def streamed_run(driver) -> list[int]:
    """Click Generate on the Denoise tab; the step numbers the status showed before the run was done."""
    from ui.strings_zh import ZH

    driver.execute_script("""
        window.__steps = []; const seen = new Set();
        new MutationObserver(() => {
            for (const m of document.body.innerText.matchAll(/第 (\\d+) \\/ (\\d+) 步/g))
                if (!seen.has(m[1])) { seen.add(m[1]); window.__steps.push(+m[1]); }
        }).observe(document.body, {childList: true, subtree: true, characterData: true});""")
    [b for b in driver.find_elements("css selector", "button") if b.text == ZH["generate"]][0].click()
    browser.wait_for(lambda: "完成：" in driver.find_element("tag name", "body").text, timeout=120)
    return driver.execute_script("return window.__steps")


def test_compose_runs_the_tested_conf():
    """compose.yaml mounts deploy/nginx.conf itself, its replicas are the conf's upstream servers, at its sub-path."""
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    mount, target = services["nginx"]["volumes"][0].split(":")[:2]
    assert ((ROOT / "deploy" / mount).resolve(), target) == (loopback.CONF.resolve(), "/etc/nginx/nginx.conf")
    conf = loopback.CONF.read_text()
    upstream = re.findall(r"^\s*server (app\d+):7860", conf, re.M)
    replicas = [n for n, v in services.items() if "GRADIO_ROOT_PATH" in v.get("environment", {})]
    assert upstream == replicas == ["app1", "app2"]
    assert {services[n]["environment"]["GRADIO_ROOT_PATH"] for n in replicas} == {loopback.SUB_PATH}
    assert f"location {loopback.SUB_PATH}/ {{" in conf and f"Path={loopback.SUB_PATH}/;" in conf
    rendered = loopback.render(conf, [7001, 7002, 7003], 9000)                 # all the test changes
    changed = {ln.strip() for ln in set(rendered.splitlines()) ^ set(conf.splitlines())}
    params = re.search(r"server app1:7860( [^;]*);", conf)[1]
    assert changed == {"listen 8080;", "listen 127.0.0.1:9000;", *(f"server {h}:7860{params};" for h in ("app1", "app2")),
                       *(f"server 127.0.0.1:{p}{params};" for p in (7001, 7002, 7003))}


@needs_nginx
@needs_browser
def test_the_page_through_the_proxy(room, driver):
    from selenium.webdriver.common.keys import Keys

    from ui.strings_zh import ZH

    driver.get(room.url)
    zh_tabs = {v for k, v in ZH.items() if k.startswith("tab_")}     # ui/locale.js found the hashed bundle under
    browser.wait_for(lambda: (t := [b.text for b in driver.find_elements("css selector", "button[role=tab]")])
                     and set(t) <= zh_tabs, timeout=120)                # /classroom/assets/ and switched to Chinese
    first = browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=60)
    browser.slider_input(driver, "t_slider").send_keys(Keys.PAGE_UP, Keys.PAGE_UP)
    browser.wait_for(lambda: (s := browser.image_src(driver, "x_t")) != first and s, timeout=30)
    failed = driver.execute_script("return performance.getEntriesByType('resource')"
                                   ".filter(e => e.responseStatus >= 400).map(e => e.name)")
    assert not [u for u in failed if u.startswith(room.url)], failed        # every script, style, font, file
    assert page_replica(driver) in room.replicas

    open_denoise_tab(driver)
    steps = streamed_run(driver)
    assert len(steps) >= 3 and steps == sorted(steps), steps      # steps arrived one by one, not all at the end
    gif = browser.wait_for(lambda: driver.find_elements("css selector", "a[href$='.gif']"), timeout=30)[0]
    href = gif.get_attribute("href")
    assert href.startswith(room.url + "gradio_api/file="), href
    magic = driver.execute_async_script("fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => arguments[1]("
                                        "String.fromCharCode(...new Uint8Array(b.slice(0, 6)))))", href)
    assert magic == "GIF89a"
    browser.screenshot(driver, "proxy_denoise_zh")


@needs_nginx
def test_rest_learners_spread_over_the_replicas_and_stay(room, learners):
    from gradio_client import Client

    assert {x.replica for x in learners} == set(room.replicas)
    for x in learners:
        for _ in range(2):
            kind, data, replica = x.call("noisy_view", *SLIDE)
            assert (kind, replica) == ("complete", x.replica), data
    gc = Client(room.url, verbose=False)            # gradio_client keeps the cookie of its config request
    assert gc.predict(*SLIDE, api_name="/noisy_view")
    gc.close()
    # a request without the cookie, or with one no replica gave out, is refused in words (never run on no state)
    import httpx
    r = httpx.post(room.url + "gradio_api/call/noisy_view", json={"data": list(SLIDE)})
    assert (r.status_code, r.json()["detail"]) == (410, tr("replica_no_cookie")), r.text
    r = httpx.post(room.url + "gradio_api/call/noisy_view", json={"data": list(SLIDE)},
                   headers={"Cookie": "classroom_key=never-given", "Accept-Language": "zh-CN"})
    assert (r.status_code, r.json()["detail"]) == (410, tr("replica_lost", "zh-CN")), r.text


@needs_nginx
@needs_browser
def test_losing_a_replica_mid_class(room, driver, learners):
    if not driver.current_url.startswith(room.url):
        driver.get(room.url)
        browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=120)
    victim = page_replica(driver)                    # the browser's replica dies
    survivor = next(n for n in room.replicas if n != victim)
    stay = [x for x in learners if x.replica == survivor]
    lost = [x for x in learners if x.replica == victim]
    done, results = threading.Event(), []

    def keep_sliding(x: Learner) -> None:
        while not done.is_set():
            results.append(x.call("noisy_view", *SLIDE))

    threads = [threading.Thread(target=keep_sliding, args=(x,)) for x in stay]
    for t in threads:
        t.start()
    time.sleep(2)
    room.replicas[victim].process.send_signal(signal.SIGKILL)
    room.replicas[victim].process.wait(timeout=10)

    for x in lost:                                   # the dead replica's learners are told to reload
        assert x.call("noisy_view", *SLIDE)[:2] == ("refused", tr("replica_lost"))
    for _ in range(4):                               # new learners all go to the survivor, and work
        x = Learner(room.url)
        assert x.replica == survivor and x.call("noisy_view", *SLIDE)[0] == "complete"

    from ui.strings_zh import ZH
    open_denoise_tab(driver)
    [b for b in driver.find_elements("css selector", "button") if b.text == ZH["generate"]][0].click()
    browser.wait_for(lambda: tr("replica_lost", "zh-CN") in driver.find_element("tag name", "body").text, timeout=30)
    browser.screenshot(driver, "proxy_replica_lost_zh")
    driver.refresh()                                 # the reloaded page comes from the survivor and works
    browser.wait_for(lambda: browser.image_src(driver, "x_t"), timeout=60)
    assert page_replica(driver) == survivor
    open_denoise_tab(driver)
    assert streamed_run(driver)

    done.set()
    for t in threads:
        t.join(timeout=120)
    assert len(results) >= len(stay) and all(kind == "complete" and replica == survivor
                                             for kind, _, replica in results), results[:5]


@needs_nginx
def test_sigterm_lets_the_run_in_hand_finish(room, learners):
    """SIGTERM to the last replica mid-run: it stops listening at once (nginx then answers new work itself, clearly),
    the run completes, and it exits 0."""
    import httpx

    name = next(n for n, r in room.replicas.items() if r.process.poll() is None)
    x = next(x for x in learners if x.replica == name)
    r = x.http.post("gradio_api/call/generate", json={"data": ["dpmpp2m", 20, 0, 12345, 16, "student"]})
    kinds, late = [], []
    with x.http.stream("GET", f"gradio_api/call/generate/{r.json()['event_id']}") as resp:
        for line in resp.iter_lines():
            if not line.startswith("event: "):
                continue
            kinds.append(line[7:].strip())
            if kinds == ["generating"]:              # the run has started: /healthz answers beside it; stop now
                health = httpx.get(room.replicas[name].url + "/healthz", timeout=10).json()
                assert (health["status"], health["replica"]) == ("ok", name)
                room.replicas[name].process.send_signal(signal.SIGTERM)
                browser.wait_for(lambda: loopback.get(room.replicas[name].url + "/healthz")[0] == 0, timeout=30)
                late += [httpx.get(room.url), httpx.post(room.url + "gradio_api/call/noisy_view", json={"data": []})]
    assert kinds[-1] == "complete" and "error" not in kinds, kinds
    assert room.replicas[name].process.wait(timeout=30) == 0
    page, api = late                                 # no replica left: nginx's own answers, in both languages
    assert page.status_code == 502 and "restarting" in page.text and "重启" in page.text, page.text
    assert api.status_code == 502 and "Reload the page" in api.json()["detail"] and "刷新页面" in api.json()["detail"]
