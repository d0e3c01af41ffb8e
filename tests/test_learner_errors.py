"""A learner's mistake (an expected gr.Error) is one line in the server console; a real fault keeps its traceback."""
import logging

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from conftest import free_port
from ui.learner_errors import quiet_learner_errors


def console(capsys, caplog) -> tuple[str, list[str]]:
    """What the server printed to stderr, and the app's log lines (both since the last call)."""
    err = capsys.readouterr().err
    lines = [r.getMessage() for r in caplog.records if r.name == "diffusion_classroom"]
    caplog.clear()
    return err, lines


def test_a_bad_input_to_the_app_logs_one_line_and_no_traceback(client, capsys, caplog):
    caplog.set_level(logging.WARNING, logger="diffusion_classroom")
    console(capsys, caplog)
    with pytest.raises(AppError, match="t: noising steps taken"):
        client.predict("abc", "linear", 0, api_name="/noisy_view")
    err, lines = console(capsys, caplog)
    assert "Traceback" not in err, err[-2000:]
    assert len(lines) == 1 and "noisy_view" in lines[0] and "t: noising steps taken" in lines[0], lines
    assert "\n" not in lines[0]


@pytest.fixture(scope="module")
def faulty_app():
    """A tiny app wrapped like the real one: one handler (and one generator) that answer a learner with gr.Error,
    one with a bug."""
    def mistake(x):
        raise gr.Error("Pick a number from 0 to 10,\nplease.")

    def stream_mistake(x):
        yield x
        raise gr.Error("Still out of range.")

    def bug(x):
        return {}["missing"]

    with gr.Blocks() as demo:
        box, out = gr.Number(), gr.Number()
        box.submit(mistake, box, out, api_name="mistake")
        box.input(stream_mistake, box, out, api_name="stream_mistake")
        box.blur(bug, box, out, api_name="bug")
    quiet_learner_errors(quiet_learner_errors(demo))              # twice: still wrapped once
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    demo.close()


def test_expected_errors_are_one_line_and_real_faults_keep_their_traceback(faulty_app, capsys, caplog):
    caplog.set_level(logging.WARNING, logger="diffusion_classroom")
    console(capsys, caplog)
    for api, said in (("/mistake", "Pick a number from 0 to 10, please."), ("/stream_mistake", "Still out of range.")):
        with pytest.raises(AppError):
            faulty_app.predict(3, api_name=api)
        err, lines = console(capsys, caplog)
        assert "Traceback" not in err, err[-2000:]
        assert lines == [f"learner error in {api[1:]}: {said}"]
    with pytest.raises(AppError):
        faulty_app.predict(3, api_name="/bug")
    err, lines = console(capsys, caplog)
    assert "Traceback" in err and "KeyError: 'missing'" in err and "in bug" in err
    assert lines == []
