"""Headers every answer carries (a strict Content-Security-Policy above all), and a log line per request
that names the route and the status only: never the message, a code, a cookie or a file's name."""
from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("web.requests")


def policy(frame_ancestors: str) -> str:
    # No inline script or style at all: a name or a message that carried markup could never run.
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            f"form-action 'self'; base-uri 'none'; frame-ancestors 'self'{' ' + frame_ancestors if frame_ancestors else ''}")


def route_of(path: str) -> str:
    """The path as logged: a file's name is its capability, so it is left out."""
    return "/files/…" if path.startswith("/files/") else path if len(path) <= 40 else path[:40] + "…"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, frame_ancestors: str = "") -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy(frame_ancestors).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        finally:
            log.info("%s %s %s %.0f ms", scope["method"], route_of(scope["path"]), status[0],
                     (time.perf_counter() - started) * 1000)
