"""SIGTERM (docker stop, compose down, a rolling restart): the replica stops taking new work, lets the runs it has
finish, then exits.

1. It closes its listening socket, so a proxy in front (deploy/nginx.conf) gets "connection refused" and sends new
   pages and new learners to the other replicas at once; streams already open (a run's steps) go on.
2. Work that still reaches it on an open connection is refused in the learner's language ("restarting: reload"),
   and /healthz says "draining" (ui/replica.py).
3. It waits until Gradio's queue has nothing waiting or running, then closes, and ``python app.py`` returns (exit 0).
   After ``CLASSROOM_DRAIN_SECONDS`` (default 60: longer than the longest run) it ends the runs still going instead:
   their streams get Gradio's "Server stopped unexpectedly." and the process exits at once (exit 0; letting Python
   finalize beside a model step still in a thread aborts it). Give the container longer than that to stop
   (compose: stop_grace_period).
"""
from __future__ import annotations

import os
import signal
import threading
import time

import gradio as gr

from .replica import Replica

DRAIN_SECONDS = float(os.environ.get("CLASSROOM_DRAIN_SECONDS", "60"))
FLUSH_SECONDS = 0.5         # after the last run, for its final message to reach its stream
END_SECONDS = 3.0           # past the deadline, for the runs' streams to pass on "server stopped"


def busy(demo: gr.Blocks) -> bool:
    """Gradio's queue has an event waiting or running."""
    queue = demo._queue
    return len(queue) > 0 or any(job is not None for job in queue.active_jobs)


def stop_listening(demo: gr.Blocks) -> None:
    """Close the server's listening sockets (on the server's own event loop); open connections stay."""
    for server in getattr(demo.server, "servers", []):
        server.get_loop().call_soon_threadsafe(server.close)


def drain(demo: gr.Blocks, seconds: float = DRAIN_SECONDS) -> None:
    stop_listening(demo)
    deadline = time.monotonic() + seconds
    while busy(demo) and time.monotonic() < deadline:
        time.sleep(0.1)
    if busy(demo):
        demo._queue.close()         # each open run stream says "Server stopped unexpectedly." at its next message
        time.sleep(END_SECONDS)
        os._exit(0)
    time.sleep(FLUSH_SECONDS)
    demo.close()                    # ends heartbeats and the server; demo.launch() returns in the main thread


def on_sigterm(demo: gr.Blocks, replica: Replica, seconds: float = DRAIN_SECONDS) -> None:
    """Install the SIGTERM handler (main thread only). Before the server runs, SIGTERM just exits."""

    def handle(signum: int, frame: object) -> None:
        if not getattr(demo, "is_running", False):
            raise SystemExit(0)
        if replica.draining:
            return
        replica.draining = True
        print(f"SIGTERM: replica {replica.name} is draining (up to {seconds:.0f} s)", flush=True)
        threading.Thread(target=drain, args=(demo, seconds), name="drain", daemon=True).start()

    signal.signal(signal.SIGTERM, handle)
