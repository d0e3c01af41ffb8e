import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("GRADIO_HEARTBEAT_INTERVAL", "1")   # closed tabs are noticed within a second
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import socket  # noqa: E402

import pytest  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app():
    """The whole app (its gr.Blocks and URL), launched once for the test session on a free local port."""
    import app

    demo = app.build_demo()
    port = free_port()
    app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield demo, f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="session")
def app_url(live_app):
    return live_app[1]


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)
