"""README, Spaces front matter, Dockerfile and CI script agree with each other (no Docker engine here)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def front_matter() -> dict[str, str]:
    block = README.split("---")[1]
    return {k.strip(): v.strip().strip('"') for k, v in (ln.split(":", 1) for ln in block.strip().splitlines())}


def test_spaces_front_matter():
    fm = front_matter()
    for key in ("title", "emoji", "sdk", "sdk_version", "python_version", "app_file", "short_description", "license"):
        assert fm.get(key), key
    assert fm["sdk"] == "gradio" and fm["app_file"] == "app.py" and fm["python_version"] == "3.11"
    assert len(fm["short_description"]) <= 60
    import gradio

    assert fm["sdk_version"].split(".")[0] == gradio.__version__.split(".")[0] == "6"
    assert int(fm["sdk_version"].split(".")[1]) >= 20, "gradio >= 6.20 for its security fixes"


def test_readme_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert "pip install -r requirements.txt && python app.py" in blocks[0]
    assert "http://127.0.0.1:7860" in README
    test_cmd = blocks[1].strip()
    assert test_cmd in (ROOT / ".ci" / "run").read_text(), ".ci/run runs the README's test command"


def test_dockerfile_matches_readme():
    docker = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", docker, re.M)
    assert "--uid 1000" in docker and re.search(r"^USER user", docker, re.M)
    assert "EXPOSE 7860" in docker and "GRADIO_SERVER_NAME=0.0.0.0" in docker
    assert "pip install --no-cache-dir -r requirements.txt" in docker, "the README's install command"
    assert 'CMD ["python", "app.py"]' in docker


def test_requirements():
    req = (ROOT / "requirements.txt").read_text()
    for pkg in ("gradio>=6.20", "torch", "numpy", "matplotlib", "pillow", "safetensors"):
        assert pkg in req, pkg
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in dev and "diffusers" in dev and "diffusers" not in req, "diffusers is test-only"


def test_ci_installs_browser_and_cjk_font():
    ci = (ROOT / ".ci" / "run").read_text()
    for pkg in ("chromium", "chromium-driver", "fonts-noto-cjk", "apt-get update"):
        assert pkg in ci, pkg


def test_the_app_renders_in_the_browser_even_where_the_host_asks_for_ssr(monkeypatch):
    """Spaces turn SSR on (GRADIO_SSR_MODE); app.launch keeps the rendering in the browser that the tests check."""
    import gradio as gr

    import app

    monkeypatch.setenv("GRADIO_SSR_MODE", "true")
    seen = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: seen.update(kw))
    with gr.Blocks() as demo:
        gr.Markdown("x")
    app.launch(demo)
    assert seen and demo._resolve_ssr_mode(seen.get("ssr_mode"), disable_when_multi_page=False) is False
