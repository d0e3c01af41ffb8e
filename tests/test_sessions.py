"""The model gate (one job at a time, a clear busy answer past the line) and per-learner memory release."""
import inspect
import re
import threading
import time
from types import SimpleNamespace

import gradio as gr
import pytest
from gradio_client import Client

from ui.pools import ModelGate, gated


def test_gate_runs_one_job_and_refuses_past_the_line():
    gate = ModelGate(slots=1, max_waiting=1)
    inside, release = threading.Event(), threading.Event()
    order = []

    def job(name):
        with gate.slot("en"):
            order.append(name)
            inside.set()
            release.wait(5)

    first = threading.Thread(target=job, args=("first",))
    first.start()
    inside.wait(5)
    second = threading.Thread(target=job, args=("second",))
    second.start()
    deadline = time.time() + 5
    while gate.waiting < 1 and time.time() < deadline:
        time.sleep(0.01)
    with pytest.raises(gr.Error) as e:                      # a third learner while one runs and one waits
        with gate.slot("zh-CN"):
            pass
    assert re.search(r"[\u4e00-\u9fff]", e.value.message) and "1" in e.value.message
    release.set()
    first.join(5), second.join(5)
    assert order == ["first", "second"] and gate.waiting == 0
    with gate.slot("en"):                                    # free again
        pass


def test_gated_keeps_signature_and_streaming():
    def stream(a, request: gr.Request):
        yield a
        yield a + 1

    def plain(a, request: gr.Request):
        return 2 * a

    gate = ModelGate()
    g, p = gated(gate, stream), gated(gate, plain)
    assert inspect.isgeneratorfunction(g) and not inspect.isgeneratorfunction(p)
    assert list(inspect.signature(g).parameters) == ["a", "request"]    # Gradio still injects gr.Request
    assert list(g(1, None)) == [1, 2] and p(3, None) == 6


def test_closing_a_tab_frees_its_state(live_app):
    """The unload handler frees a session's state (Gradio itself would keep it an hour). It is called
    directly here: whether Gradio notices a closed tab depends on its heartbeat and the ASGI server."""
    demo, url = live_app
    client = Client(url, verbose=False)
    sid = client.session_hash
    client.predict("ddim", 3, 0, 0, 2, api_name="/generate")
    assert sid in demo.state_holder and demo.state_holder.session_data[sid].state_data
    unload = [f for f in demo.fns.values() if any(t[1] == "unload" for t in f.targets)]
    assert len(unload) == 1
    unload[0].fn(SimpleNamespace(session_hash=sid))
    assert sid not in demo.state_holder.session_data, "closed tab's state still held"
    client.predict(10, "linear", 0, api_name="/noisy_view")
