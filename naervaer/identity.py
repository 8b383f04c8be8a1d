"""Who is writing: chat sender ids linked to people, and the invites that create such links."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from naervaer.clock import as_utc, now_utc
from naervaer.db import session_scope
from naervaer.models import ChatIdentity, InviteCode, Person

INVITE_LIFETIME = timedelta(days=14)


class InviteError(Exception):
    """The invite code is unknown, used or expired (deliberately not saying which)."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def person_for_sender(session: Session, sender_id: str) -> Person | None:
    return session.scalar(
        select(Person).join(ChatIdentity, ChatIdentity.person_id == Person.id)
        .where(ChatIdentity.sender_id == sender_id)
    )


def link_sender(session: Session, sender_id: str, person: Person) -> ChatIdentity:
    """Link (or re-link) a sender id to a person."""
    identity = session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id))
    if identity is None:
        identity = ChatIdentity(sender_id=sender_id, person_id=person.id)
        session.add(identity)
    else:
        identity.person_id = person.id
    session.flush()
    return identity


def chosen_language(session: Session, sender_id: str) -> str | None:
    """The language a linked sender picked from the language buttons (None: never picked, or not linked)."""
    return session.scalar(select(ChatIdentity.language).where(ChatIdentity.sender_id == sender_id))


def stored_language(sender_id: str) -> str | None:
    """`chosen_language` in a session of its own; None too when the store cannot be reached (the action's own
    work then fails, and says so in the person's language)."""
    try:
        with session_scope() as session:
            return chosen_language(session, sender_id)
    except SQLAlchemyError:
        return None


def choose_language(session: Session, sender_id: str, code: str) -> bool:
    """Remember a linked sender's pick for later sessions; False for a sender linked to nobody (the chat's
    own memory of the conversation still holds it)."""
    identity = session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id))
    if identity is None:
        return False
    identity.language = code
    return True


def forget_sender(session: Session, sender_id: str) -> bool:
    identity = session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id))
    if identity is None:
        return False
    session.delete(identity)
    return True


@dataclass(frozen=True)
class Invite:
    code: str  # shown once, to be handed to the person; never stored
    expires_at: datetime


def create_invite(session: Session, person: Person, *, lifetime: timedelta = INVITE_LIFETIME,
                  now: datetime | None = None) -> Invite:
    # 32 bytes = 256 random bits; URL-safe so it fits a Telegram deep link (max 64 chars).
    code = secrets.token_urlsafe(32)
    now = now or now_utc()  # the school's clock, pinned in tests and demos like every other moment
    invite = InviteCode(code_hash=_hash(code), person_id=person.id, created_at=now, expires_at=now + lifetime)
    session.add(invite)
    session.flush()
    return Invite(code=code, expires_at=invite.expires_at)


def redeem_invite(session: Session, code: str, sender_id: str, *, now: datetime | None = None) -> Person:
    now = now or now_utc()  # the school's clock, pinned in tests and demos like every other moment
    invite = session.scalar(
        select(InviteCode).where(InviteCode.code_hash == _hash(code)).with_for_update()
    )
    if invite is None or invite.used_at is not None or as_utc(invite.expires_at) <= now:
        raise InviteError("invite code not valid")
    invite.used_at = now
    person = session.get(Person, invite.person_id)
    link_sender(session, sender_id, person)
    return person



