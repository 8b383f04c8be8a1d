"""How long an idle HTTP connection is kept between our own parts: a browser or proxy → the web chat,
the web chat and the Telegram bot → Rasa. (Rasa opens a new connection for each call of the action server.)

A client that sends on a connection the server is just closing gets a reset instead of an answer, and a
POST is not sent again: the parent reads "I can't answer right now". The race goes the client's way only
when the server keeps an idle connection far longer than the client, with room for an event loop that is
busy in a morning rush: a CI run lost a parent's message with our client at 2 s and uvicorn at its 5 s.
Rasa keeps one 120 s (`rasa run --keep-alive-timeout`'s default); the web chat is ours to set."""
from __future__ import annotations

import httpx

SERVER_IDLE_S = 75  # the web chat: longer than a proxy in front keeps one (nginx: 60 s), so the proxy closes first
CLIENT_IDLE_S = 2.0  # our clients let go of an idle connection long before any of our servers does


def client_limits(connections: int = 100) -> httpx.Limits:
    return httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                        keepalive_expiry=CLIENT_IDLE_S)
