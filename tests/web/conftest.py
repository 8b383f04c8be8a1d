"""The web chat on a real store (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), with the Rasa
REST channel played by a fake that records what reached it and answers what the test sets."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.testclient import TestClient

from naervaer.db import session_scope
from naervaer.identity import create_invite, person_for_sender
from web.app import create_app
from web.config import WebConfig


@dataclass
class FakeRasa:
    answer: list[dict] = field(default_factory=lambda: [{"text": "Hei!"}, {"custom": {"lang": "nb"}}])
    seen: list[dict] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    down: bool = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused")
        self.urls.append(str(request.url))
        self.seen.append(json.loads(request.content))
        return httpx.Response(200, json=self.answer)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def config(demo_engine, tmp_path) -> WebConfig:
    return WebConfig(rasa_url="http://rasa.invalid", var_dir=tmp_path, database_url=str(demo_engine.url))


@pytest.fixture
def make_browser(demo_engine, config, rasa):
    app = create_app(config, engine=demo_engine, transport=httpx.MockTransport(rasa.handler))

    def browser(**headers: str) -> Browser:
        # https: the session cookie is Secure, and the client only sends it back over https
        return Browser(TestClient(app, base_url="https://testserver", headers=headers))
    return browser


@pytest.fixture
def browser(make_browser):
    return make_browser()


CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.page = client.get("/")
        self.csrf = CSRF.search(self.page.text).group(1)

    def post(self, path: str, body: dict | None = None, *, csrf: str | None = "") -> httpx.Response:
        headers = {} if csrf is None else {"X-CSRF-Token": csrf or self.csrf}
        return self.client.post(path, json=body or {}, headers=headers)

    def say(self, text: str) -> httpx.Response:
        return self.post("/api/message", {"text": text})

    def sign_in(self, code: str) -> httpx.Response:
        response = self.post("/api/sign-in", {"code": code})
        if response.status_code == 200:
            self.csrf = response.json()["csrf"]
        return response


def invite(engine, sender: str = "demo-parent") -> str:
    """A fresh code for the demo person behind `sender` (Kari Hansen by default)."""
    with session_scope(engine) as session:
        return create_invite(session, person_for_sender(session, sender)).code
