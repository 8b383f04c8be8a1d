"""The servers our clients talk to keep an idle connection far longer than the clients do
(WebConfig.keep_alive): with uvicorn's default of 5 s, a parent's message in the morning rush went on a
connection the web chat was closing and got a reset instead of an answer."""
from __future__ import annotations

import http.client
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from naervaer import services

pytestmark = pytest.mark.e2e

IDLE_S = 6.0  # past uvicorn's and Sanic's own default of 5 s


def _second_request_answered(url: str, path: str) -> str:
    """GET path twice on one connection, IDLE_S apart: the second status, or why there was none."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        first = connection.getresponse()
        first.read()
        if first.status != 200 or first.will_close:
            return f"the first answer was HTTP {first.status}, will_close={first.will_close}"
        time.sleep(IDLE_S)
        connection.request("GET", path)
        second = connection.getresponse()
        second.read()
        return f"HTTP {second.status}"
    except (OSError, http.client.HTTPException) as error:
        return f"{type(error).__name__} after {IDLE_S:.0f} s idle"
    finally:
        connection.close()


def test_rasa_and_the_web_chat_answer_on_a_connection_left_idle_past_5_seconds(cluster):
    web_settings = replace(cluster.rasa_settings[0], web_port=services.free_port())
    web = services.start_web(web_settings, name="web-keep-alive")
    try:
        targets = {"Rasa": (cluster.rasa_urls[0], "/webhooks/rest/"),
                   "web chat": (web_settings.web_url, "/widget.js")}
        with ThreadPoolExecutor(len(targets)) as pool:
            outcomes = dict(zip(targets, pool.map(lambda t: _second_request_answered(*t), targets.values())))
    finally:
        web.stop()
    assert outcomes == dict.fromkeys(targets, "HTTP 200")
