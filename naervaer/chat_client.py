"""A client of the Rasa server's REST channel, used by the terminal chat, the tests and the bot."""
from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class BotMessage:
    text: str = ""
    buttons: list[dict] = field(default_factory=list)
    image: str | None = None
    image_alt: str = ""  # what the image shows, in words
    attachment: str | None = None  # a file to offer for download (a meeting's .ics)


def _meta(message: dict) -> dict:
    """A custom-only message carries facts about the reply (its language, an image's text), not words."""
    custom = message.get("custom")
    if not isinstance(custom, dict) or any(message.get(k) for k in ("text", "buttons", "image", "attachment")):
        return {}
    return custom


def parse_messages(payload: list[dict]) -> list[BotMessage]:
    messages: list[BotMessage] = []
    alt = ""  # Rasa sends an image's custom part just before the image itself
    for m in payload:
        meta = _meta(m)
        if meta:
            alt = str(meta.get("image_alt") or alt)
            continue
        image = m.get("image")
        messages.append(BotMessage(text=m.get("text") or "", buttons=m.get("buttons") or [], image=image,
                                   image_alt=alt if image else "", attachment=m.get("attachment")))
        if image:
            alt = ""
    return messages


def reply_language(payload: list[dict]) -> str | None:
    """The language the actions answered in (None when only Rasa's own responses answered)."""
    languages = [str(meta["lang"]) for meta in map(_meta, payload) if meta.get("lang")]
    return languages[-1] if languages else None


def silent(messages: list[BotMessage]) -> bool:
    """Rasa answers [] when the action server is down or an action failed before replying: for the
    person that is no answer at all, and the front end must say so."""
    return not any(m.text or m.image or m.buttons or m.attachment for m in messages)


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
