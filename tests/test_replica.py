"""ui/replica.py and ui/drain.py on their own (no app, no proxy): what a replica serves, refuses or answers itself,
and how it stops."""
from __future__ import annotations

import time

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.i18n import tr
from ui.replica import Replica, ReplicaMiddleware, route_path

JOIN = ("POST", "/gradio_api/queue/join")


def test_a_page_welcomes_its_browser_and_strangers_are_told_to_reload():
    r = Replica("r1")
    assert r.verdict(*JOIN, "k1") == (410, "replica_lost")            # never served k1 a page
    assert r.verdict("GET", "/", "k1", new_key=True) is None          # the page, with the key nginx just made
    for method, path in (JOIN, ("POST", "/gradio_api/upload"), ("GET", "/gradio_api/queue/data"),
                         ("GET", "/gradio_api/heartbeat/abc"), ("POST", "/gradio_api/call/generate")):
        assert r.verdict(method, path, "k1") is None, path
        assert r.verdict(method, path, "k2") == (410, "replica_lost"), path
    assert r.verdict("GET", "/config", "k2") is None and r.verdict(*JOIN, "k2") is None      # gradio_client
    assert r.verdict("GET", "/assets/index.js", "k3") is None          # files any replica can serve
    assert r.verdict(*JOIN, "k4", new_key=True) == (410, "replica_no_cookie")


def test_without_the_proxy_nothing_is_checked_but_draining_refuses_new_work():
    r = Replica("solo")
    assert r.verdict(*JOIN, None) is None
    r.draining = True
    assert r.verdict(*JOIN, None) == (410, "replica_draining")
    assert r.verdict("GET", "/", "k1") == (503, "replica_draining")    # nginx passes a page on to the next replica
    assert r.verdict("GET", "/gradio_api/queue/data", None) is None    # the runs in hand still stream


def test_the_oldest_welcomed_browser_is_forgotten_first(monkeypatch):
    import ui.replica
    monkeypatch.setattr(ui.replica, "MAX_KEYS", 2)
    r = Replica("r1")
    for k in ("a", "b", "a", "c"):                                     # "a" came back, so "b" is the oldest
        r.welcome(k)
    assert list(r.welcomed) == ["a", "c"]


@pytest.mark.parametrize("path, root, want", [("/healthz", "", "/healthz"), ("/healthz", "/classroom", "/healthz"),
                                              ("/classroom/healthz", "/classroom", "/healthz"),
                                              ("/classroom", "/classroom", "/"), ("/classroomx", "/classroom",
                                                                                  "/classroomx")])
def test_route_path_drops_a_root_path_the_proxy_left_on(path, root, want):
    assert route_path({"path": path, "root_path": root}) == want


@pytest.fixture
def client():
    app = Starlette(routes=[Route("/", lambda req: PlainTextResponse("page")),
                            Route("/gradio_api/queue/join", lambda req: PlainTextResponse("joined"),
                                  methods=["POST"])])
    replica = Replica("r7")
    return TestClient(ReplicaMiddleware(app, replica)), replica


def test_the_middleware_names_itself_answers_health_and_refuses_in_the_learners_language(client):
    http, replica = client
    r = http.get("/healthz")
    assert (r.status_code, r.json()["status"], r.json()["replica"]) == (200, "ok", "r7")
    assert http.get("/", headers={"x-classroom-key": "k1"}).headers["x-replica"] == "r7"
    assert http.post("/gradio_api/queue/join", headers={"x-classroom-key": "k1"}).text == "joined"
    r = http.post("/gradio_api/queue/join", headers={"x-classroom-key": "k9", "accept-language": "zh-CN,zh;q=0.9"})
    assert (r.status_code, r.json()["detail"], r.headers["x-replica"]) == (410, tr("replica_lost", "zh-CN"), "r7")
    assert http.head("/").status_code == 200                           # Gradio's start-up check, without the page
    replica.draining = True
    r = http.get("/healthz")
    assert (r.status_code, r.json()["status"]) == (503, "draining")


class FakeQueue:
    """Gradio's queue as ui/drain.py sees it: events waiting (len) and jobs running (active_jobs)."""

    def __init__(self, busy_for: float):
        self.until, self.active_jobs, self.closed = time.monotonic() + busy_for, [None], False

    def __len__(self) -> int:
        return int(time.monotonic() < self.until)

    def close(self) -> None:
        self.closed = True


class FakeDemo:
    def __init__(self, busy_for: float):
        self._queue, self.server, self.closed = FakeQueue(busy_for), None, False

    def close(self) -> None:
        self.closed = True


def test_drain_waits_for_the_runs_in_hand_then_closes(monkeypatch):
    from ui import drain
    monkeypatch.setattr(drain.os, "_exit", lambda code: pytest.fail("exited before the runs were done"))
    monkeypatch.setattr(drain, "FLUSH_SECONDS", 0.0)
    demo = FakeDemo(busy_for=0.3)
    drain.drain(demo, seconds=30)
    assert demo.closed and not demo._queue.closed and not drain.busy(demo)


def test_drain_ends_the_runs_still_going_at_its_deadline(monkeypatch):
    from ui import drain
    exits = []
    monkeypatch.setattr(drain.os, "_exit", exits.append)
    monkeypatch.setattr(drain, "END_SECONDS", 0.0)
    demo = FakeDemo(busy_for=60)
    drain.drain(demo, seconds=0.2)
    assert demo._queue.closed and exits == [0]
