"""One message through the Rasa REST channel, and its reply in the shape the page renders.

Images and files in the reply are paths on this server: each is granted to the session (a random name
in the store) and served only to it, and nothing outside the var directory is ever granted."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from naervaer import web_sessions
from naervaer.chat_client import BotMessage, parse_messages, reply_language, silent
from naervaer.i18n import t

if TYPE_CHECKING:  # the store's session is only passed through to web_sessions
    from sqlalchemy.orm import Session

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


def has_files(messages: list[BotMessage]) -> bool:
    return any(m.image or m.attachment for m in messages)


def _button(b: dict) -> dict[str, str]:
    title, payload = str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title") or "")
    return {"title": title, "payload": payload}


def render(session: Session | None, session_id: int, messages: list[BotMessage], lang: str,
           var_dir: Path) -> list[dict]:
    """The messages as the page's JSON; files are granted to the session (`session` None: there are none)."""
    rendered = []
    for m in messages:
        item: dict = {"text": m.text, "buttons": [_button(b) for b in m.buttons if isinstance(b, dict)
                                                  and (b.get("payload") or b.get("title"))],
                      "image": None, "attachment": None}
        image = servable(m.image, var_dir) if session is not None else None
        if image is not None:
            name = web_sessions.grant_file(session, session_id, str(image), MEDIA[image.suffix])
            item["image"] = {"url": f"/files/{name}", "alt": m.image_alt or t(lang, "Chart of the absence")}
        attachment = servable(m.attachment, var_dir) if session is not None else None
        if attachment is not None:
            name = web_sessions.grant_file(session, session_id, str(attachment), MEDIA[attachment.suffix])
            item["attachment"] = {"url": f"/files/{name}", "name": t(lang, "invitation") + attachment.suffix}
        if item["text"] or item["buttons"] or item["image"] or item["attachment"]:
            rendered.append(item)
    return rendered
