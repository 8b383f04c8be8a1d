"""The facts every answer starts from: who is asking, in which language, on which day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from naervaer.i18n import t
from naervaer.identity import person_for_sender
from naervaer.replies import Reply

if TYPE_CHECKING:
    from naervaer.models import Person


@dataclass(frozen=True)
class Asker:
    sender_id: str
    lang: str
    today: date


def who_is_asking(session: Session, asker: Asker) -> Person | None:
    return person_for_sender(session, asker.sender_id)


def unknown_sender(lang: str) -> Reply:
    reply = Reply(unknown_sender=True)
    return reply.say(t(
        lang,
        "I don't know who you are yet, so I can't show anything about a pupil. "
        "Ask your school for an invitation code (the contact teacher or the office can give you one), "
        "then send it to me to link this chat to you.",
    ))
