"""Calls to the app's API as raw HTTP, for what gradio_client hides: NaN and Infinity in the JSON (legal for
Python's parser, refused by the client's encoder) and outputs the client leaves out (a button's update)."""
import json

import httpx


def raw_call(app_url: str, api: str, body: str, headers: dict | None = None) -> str:
    """POST raw JSON and read the event stream, as text."""
    h = {"Content-Type": "application/json", **(headers or {})}
    r = httpx.post(f"{app_url}gradio_api/call/{api}", content=body, headers=h, timeout=30)
    r.raise_for_status()
    event = r.json()["event_id"]
    return httpx.get(f"{app_url}gradio_api/call/{api}/{event}", headers=h, timeout=120).text


def completed(stream: str) -> list:
    """The outputs of a finished call (the data line after "event: complete"), every output included."""
    lines = stream.splitlines()
    at = lines.index("event: complete")
    return json.loads(lines[at + 1].removeprefix("data: "))
