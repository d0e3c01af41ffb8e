"""One replica of several behind a reverse proxy (deploy/nginx.conf): says who it is, how it is, and which learners
are its own.

- ``GET /healthz`` answers ``{"status": "ok", "replica": ..., "uptime_s": ...}`` from the event loop, with no model
  work and no thread, so a proxy or an orchestrator gets it in milliseconds while the model is busy; 503 with
  ``"status": "draining"`` once the replica is shutting down (ui/drain.py).
- Every answer carries ``X-Replica: NAME`` (``CLASSROOM_REPLICA``, else host:port).
- ``HEAD /`` answers at once, without the page: Gradio's launch() checks itself with one ``HEAD /`` of 3 s timeout
  and exits when it times out, and rendering the page took 1.3 to 5.6 s on 2 busy cores (replicas started side by
  side died of it).
- A learner's pictures, uploads and queue live in the memory of the replica that served their page. deploy/nginx.conf
  sends every request of a browser to one replica by its cookie and tells the replica that cookie in
  ``X-Classroom-Key``. The replica *welcomes* a key when it serves the page (``GET /``) or the config (gradio_client's
  first request); a session request (a run, an upload, a heartbeat, an event stream) under a key it never welcomed
  comes from a page another replica served, one that has since stopped (the proxy moved its learners here), or from
  before this replica restarted: it is answered with HTTP 410 and, in the learner's language, "reload the page"
  (Gradio's page shows a ``{"detail": ...}`` answer as the run's error), never run on state this replica lacks.
  Without the header (one process, no proxy) nothing is checked. The key is a browser's, not a tab's: a browser with
  two tabs on a stopped replica that reloads one has the other's next run served by the new replica, on fresh state.
"""
from __future__ import annotations

import json
import os
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from starlette.middleware import Middleware
from starlette.requests import Request

from .i18n import lang_of, tr

KEY_HEADER = "x-classroom-key"
NEW_KEY_HEADER = "x-classroom-key-is-new"      # the request came without the cookie: its key is a fresh random one
MAX_KEYS = 100_000          # welcomed browsers remembered (oldest first out): 40 bytes each, a school's week
API = "/gradio_api/"
SESSION_STREAMS = (API + "queue/", API + "heartbeat/", API + "call/")     # GETs that belong to a session

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Replica:
    """This process's identity and the browsers (affinity keys) it has served a page to since it started."""
    name: str
    started: float = field(default_factory=time.monotonic)
    draining: bool = False
    welcomed: OrderedDict[str, None] = field(default_factory=OrderedDict)

    @classmethod
    def from_env(cls) -> "Replica":
        port = os.environ.get("GRADIO_SERVER_PORT", "7860")
        return cls(os.environ.get("CLASSROOM_REPLICA") or f"{socket.gethostname()}:{port}")

    def app_kwargs(self) -> dict[str, Any]:
        """launch(app_kwargs=...): the FastAPI app runs every request through this replica's middleware."""
        return {"middleware": [Middleware(ReplicaMiddleware, replica=self)]}

    def health(self) -> tuple[int, dict[str, Any]]:
        status = "draining" if self.draining else "ok"
        return (503 if self.draining else 200), {"status": status, "replica": self.name,
                                                 "uptime_s": round(time.monotonic() - self.started, 1)}

    def welcome(self, key: str) -> None:
        self.welcomed[key] = None
        self.welcomed.move_to_end(key)
        while len(self.welcomed) > MAX_KEYS:
            self.welcomed.popitem(last=False)

    def verdict(self, method: str, path: str, key: str | None, new_key: bool = False) -> tuple[int, str] | None:
        """None to serve the request, else (HTTP status, strings key of the learner's message). ``key``: the
        browser's affinity key (None: not behind deploy/nginx.conf); ``new_key``: it came without its cookie."""
        entry = method in ("GET", "HEAD") and path in ("/", "/config", "/config/")
        new_work = method == "POST" and path.startswith(API)
        if self.draining and entry:
            return 503, "replica_draining"          # deploy/nginx.conf passes a page request on to the next replica
        if self.draining and new_work:
            return 410, "replica_draining"
        if key is None:
            return None
        if entry:
            self.welcome(key)
            return None
        session = new_work or (method == "GET" and path.startswith(SESSION_STREAMS))
        if session and new_key:
            return 410, "replica_no_cookie"         # a fresh key each request: no replica could keep this session
        if session and key not in self.welcomed:
            return 410, "replica_lost"
        return None


def route_path(scope: Scope) -> str:
    """The path the app routes on: without the root path, should a proxy pass it on unstripped."""
    path, root = scope.get("path", "/"), scope.get("root_path", "").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path


async def send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(data)).encode()), (b"cache-control", b"no-store"), *headers]})
    await send({"type": "http.response.body", "body": data})


class ReplicaMiddleware:
    """ASGI middleware: /healthz, the X-Replica header, and the session check of ``Replica.verdict``."""

    def __init__(self, app: Callable, replica: Replica):
        self.app, self.replica = app, replica
        self.header = [(b"x-replica", replica.name.encode("latin-1", "replace"))]

    async def __call__(self, scope: Scope, receive: Callable, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = route_path(scope), scope["method"]
        if path == "/healthz" and method in ("GET", "HEAD"):
            status, body = self.replica.health()
            return await send_json(send, status, body, self.header)
        if path == "/" and method == "HEAD":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html; charset=utf-8"), *self.header]})
            return await send({"type": "http.response.body", "body": b""})
        request = Request(scope)
        refused = self.replica.verdict(method, path, request.headers.get(KEY_HEADER),
                                       bool(request.headers.get(NEW_KEY_HEADER)))
        if refused is not None:
            status, message = refused
            return await send_json(send, status, {"detail": tr(message, lang_of(request)), "error": message},
                                   self.header)

        async def send_named(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.header]
            await send(message)

        await self.app(scope, receive, send_named)
