"""An async client of the Rasa server's REST channel (the sync one in naervaer.chat_client is for the
terminal chat and the tests)."""
from __future__ import annotations

import logging

import httpx

from naervaer.chat_client import BotMessage, parse_messages, silent

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """The Rasa server or the action server did not answer (connect error, timeout, 5xx, empty reply)."""


class RasaClient:
    def __init__(self, rasa_url: str, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None):
        self._url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def send(self, sender_id: str, text: str) -> list[BotMessage]:
        body = {"sender": sender_id, "message": text, "metadata": {"channel": "telegram"}}
        try:
            response = await self._client.post(self._url, json=body)
        except httpx.HTTPError as error:
            # The type only: the exception text may hold the request, and the log must hold no message text.
            log.error("Rasa server did not answer: %s", type(error).__name__)
            raise RasaUnavailable(type(error).__name__) from None
        if response.status_code >= 400:
            log.error("Rasa server answered HTTP %s", response.status_code)
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = parse_messages(response.json())
        except (ValueError, TypeError, AttributeError):
            log.error("Rasa server answered something that is not a list of messages")
            raise RasaUnavailable("bad reply") from None
        if silent(messages):
            log.error("Rasa server answered nothing (is the action server running?)")
            raise RasaUnavailable("empty reply")
        return messages

    async def close(self) -> None:
        await self._client.aclose()
