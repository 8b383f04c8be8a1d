"""How long the web chat keeps an idle HTTP connection open.

A client that sends on a connection the server is just closing gets a reset instead of an answer, and
httpx does not send a POST twice: a morning-rush run lost a parent's message with uvicorn's default of 5 s
and the client letting go after 2 s. The server must keep an idle connection far longer than its clients,
with room for a busy event loop. (Rasa keeps one 120 s, `rasa run --keep-alive-timeout`'s default.)"""
from __future__ import annotations

SERVER_IDLE_S = 75  # longer than a proxy in front keeps one (nginx: 60 s), so the proxy closes first
