"""A client of the web chat as a browser uses it: the session cookie, the CSRF token from the page, one
message per request. Used by the web benchmark and the morning rush through the web front end.

The cookie is kept by hand: it is `Secure`, and httpx (like any cookie jar) will not send a Secure
cookie over the plain http of a loopback test."""
from __future__ import annotations

import re

import httpx

COOKIE = "naervaer_session"
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class WebChatError(Exception):
    pass


class WebChat:
    """One browser: `open()` loads the page (an anonymous session), `sign_in(code)`, then `say(text)`."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client, self.base = client, base_url.rstrip("/")
        self.cookie = ""
        self.csrf = ""

    def _keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            if name.strip() == COOKIE:
                self.cookie = rest.split(";", 1)[0]

    async def open(self) -> None:
        response = await self.client.get(self.base + "/", headers=self._headers())
        self._keep(response)
        found = _CSRF.search(response.text)
        if response.status_code != 200 or not found or not self.cookie:
            raise WebChatError(f"the page did not open a session (HTTP {response.status_code})")
        self.csrf = found.group(1)

    def _headers(self) -> dict[str, str]:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        return headers

    async def post(self, path: str, body: dict) -> httpx.Response:
        response = await self.client.post(self.base + path, json=body, headers=self._headers())
        self._keep(response)
        return response

    async def sign_in(self, code: str) -> dict:
        response = await self.post("/api/sign-in", {"code": code})
        if response.status_code != 200:
            raise WebChatError(f"sign-in refused (HTTP {response.status_code})")
        body = response.json()
        self.csrf = body.get("csrf") or self.csrf
        return body

    async def say(self, text: str) -> list[dict]:
        """The reply's messages, in the shape the Rasa REST channel has (text, buttons)."""
        response = await self.post("/api/message", {"text": text})
        if response.status_code != 200:
            raise WebChatError(f"HTTP {response.status_code}")
        return response.json()["messages"]
