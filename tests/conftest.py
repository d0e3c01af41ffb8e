import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("GRADIO_HEARTBEAT_INTERVAL", "1")   # closed tabs are noticed within a second
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import socket  # noqa: E402

import pytest  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def assets_dir(tmp_path_factory) -> Path:
    """The shipped assets; where no student ships yet, beside a student the training command builds from 256 images
    (untrained, but the real recipe, export and card), so the teacher / student wiring is tested either way."""
    from training import train_command

    shipped = ROOT / "assets"
    if (shipped / "digits_student.safetensors").exists() or not (shipped / "digits.safetensors").exists():
        return shipped
    out = tmp_path_factory.mktemp("assets")
    for p in shipped.iterdir():
        (out / p.name).symlink_to(p)
    done = train_command("digits_student", "--images", "256", "--skip-quality", runs=out.parent / "student-runs",
                         assets=out)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture(scope="session")
def app_ctx(assets_dir):
    """What the live app's tabs share (its models, gates and engine)."""
    from ui.context import AppContext

    return AppContext.create(assets=assets_dir)


@pytest.fixture(scope="session")
def live_app(app_ctx):
    """The whole app (its gr.Blocks and URL), launched once for the test session on a free local port."""
    import app

    demo = app.build_demo(app_ctx)
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
