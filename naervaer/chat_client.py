"""A client of the Rasa server's REST channel, used by the terminal chat, the tests and the bot."""
from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class BotMessage:
    text: str = ""
    buttons: list[dict] = field(default_factory=list)
    image: str | None = None


def parse_messages(payload: list[dict]) -> list[BotMessage]:
    return [BotMessage(text=m.get("text") or "", buttons=m.get("buttons") or [], image=m.get("image"))
            for m in payload]


def silent(messages: list[BotMessage]) -> bool:
    """Rasa answers [] when the action server is down or an action failed before replying: for the
    person that is no answer at all, and the front end must say so."""
    return not any(m.text or m.image or m.buttons for m in messages)


class RestChannel:
    def __init__(self, rasa_url: str, timeout: float = 30.0) -> None:
        self._url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self._client = httpx.Client(timeout=timeout)

    def send(self, sender_id: str, text: str, metadata: dict | None = None) -> list[BotMessage]:
        body = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = self._client.post(self._url, json=body)
        response.raise_for_status()
        return parse_messages(response.json())

    def close(self) -> None:
        self._client.close()
