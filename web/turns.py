"""One message through the Rasa REST channel, and its reply in the shape the page renders.

Images and files in the reply are paths on this server: each is granted to the session (a random name
in the store) and served only to it, and nothing outside the var directory is ever granted."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import httpx

from naervaer.chat_client import BotMessage, parse_messages, reply_language, silent

log = logging.getLogger(__name__)

MEDIA = {".png": "image/png", ".ics": "text/calendar"}


class RasaUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Reply:
    messages: list[BotMessage]
    lang: str | None  # the language the actions answered in


async def forward(client: httpx.AsyncClient, rasa_url: str, sender: str, text: str) -> Reply:
    body = {"sender": sender, "message": text, "metadata": {"channel": "web"}}
    try:
        response = await client.post(rasa_url.rstrip("/") + "/webhooks/rest/webhook", json=body)
    except httpx.HTTPError as error:  # the type only: the exception may quote the request
        log.error("Rasa server did not answer: %s", type(error).__name__)
        raise RasaUnavailable from None
    if response.status_code >= 400:
        log.error("Rasa server answered HTTP %s", response.status_code)
        raise RasaUnavailable
    try:
        payload = response.json()
        messages = parse_messages(payload)
    except (ValueError, TypeError, AttributeError):
        log.error("Rasa server answered something that is not a list of messages")
        raise RasaUnavailable from None
    if silent(messages):
        log.error("Rasa server answered nothing (is the action server running?)")
        raise RasaUnavailable
    return Reply(messages, reply_language(payload))


def servable(path: str | None, var_dir: Path) -> Path | None:
    """The file behind a reply's image or attachment, if it is one we may hand out."""
    if not path:
        return None
    found = Path(path.removeprefix("file://")).resolve()
    if found.suffix not in MEDIA or not found.is_file() or not found.is_relative_to(var_dir.resolve()):
        log.warning("a file in the reply is not one to serve; left out")
        return None
    return found
