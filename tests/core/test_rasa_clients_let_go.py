"""Our clients of Rasa (the web chat, the Telegram bot, the terminal chat) let go of an idle connection
after CLIENT_IDLE_S, long before a server would close it (naervaer/keep_alive.py): a message sent after
a pause goes on a fresh connection, not on one the server may be closing."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.rasa import RasaClient
from naervaer.chat_client import RestChannel
from naervaer.keep_alive import CLIENT_IDLE_S, client_limits
from web.turns import forward

PAUSE_S = CLIENT_IDLE_S + 0.5


class _Rasa(BaseHTTPRequestHandler):
    """Rasa's REST channel, keeping connections open; remembers which connection each message came on."""
    protocol_version = "HTTP/1.1"
    connections: list[tuple[str, int]] = []

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.connections.append(self.client_address)
        body = json.dumps([{"text": "Hei!"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa() -> Iterator[tuple[str, list]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Rasa", (_Rasa,), {"connections": []}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.RequestHandlerClass.connections
    server.shutdown()
    server.server_close()


def _reused_then_fresh(connections: list) -> bool:
    return len(connections) == 3 and connections[0] == connections[1] != connections[2]


def test_the_terminal_chat_sends_after_a_pause_on_a_fresh_connection(rasa):
    url, connections = rasa
    chat = RestChannel(url)
    try:
        for pause in (0, 0, PAUSE_S):
            time.sleep(pause)
            assert chat.send("s", "hei")[0].text == "Hei!"
    finally:
        chat.close()
    assert _reused_then_fresh(connections), connections


def test_the_telegram_bot_sends_after_a_pause_on_a_fresh_connection(rasa):
    url, connections = rasa

    async def talk() -> None:
        client = RasaClient(url)
        for pause in (0, 0, PAUSE_S):
            await asyncio.sleep(pause)
            assert (await client.send("s", "hei"))[0].text == "Hei!"
        await client.close()

    asyncio.run(talk())
    assert _reused_then_fresh(connections), connections


def test_the_web_chat_forwards_after_a_pause_on_a_fresh_connection(rasa, engine, tmp_path):
    from web.app import WebChat
    from web.config import WebConfig

    url, connections = rasa
    chat = WebChat(WebConfig(rasa_url=url, var_dir=tmp_path, database_url="sqlite://"), engine, None)

    async def talk() -> None:
        for pause in (0, 0, PAUSE_S):
            await asyncio.sleep(pause)
            reply = await forward(chat.rasa, url, "s", "hei")
            assert reply.messages[0].text == "Hei!"
        await chat.rasa.aclose()

    asyncio.run(talk())
    assert _reused_then_fresh(connections), connections


def test_httpx_on_its_own_would_have_kept_the_connection(rasa):
    """The check above can fail: httpx's own default keeps an idle connection 5 s, as long as Sanic does."""
    url, connections = rasa
    assert client_limits().keepalive_expiry < httpx.Limits().keepalive_expiry
    with httpx.Client() as client:
        for pause in (0, 0, PAUSE_S):
            time.sleep(pause)
            client.post(url + "/webhooks/rest/webhook", json={"sender": "s", "message": "hei"})
    assert not _reused_then_fresh(connections)
