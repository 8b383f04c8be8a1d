"""The bot's short units of work on the store (synchronous; the handlers run them in a thread)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from naervaer.i18n import normalise
from naervaer.identity import forget_sender, person_for_sender, redeem_invite
from naervaer.models import (
    ChatIdentity,
    ClassGroup,
    Guardianship,
    Person,
    Pupil,
    School,
    StaffMembership,
    TelegramChat,
)


@dataclass(frozen=True)
class Profile:
    """What the bot itself says to a linked person needs: their given name, language and school phone."""

    person_id: int
    given_name: str
    lang: str | None
    school_phone: str | None


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    lang: str
    given_name: str


def school_phone(session: Session, person: Person) -> str | None:
    """The phone number of the person's school: where they work, where their child goes, or their own."""
    staff = select(School.phone).join(StaffMembership, StaffMembership.school_id == School.id) \
        .where(StaffMembership.person_id == person.id)
    child = select(School.phone).join(ClassGroup, ClassGroup.school_id == School.id) \
        .join(Pupil, Pupil.class_group_id == ClassGroup.id) \
        .join(Guardianship, Guardianship.pupil_id == Pupil.id).where(Guardianship.guardian_id == person.id)
    own = select(School.phone).join(ClassGroup, ClassGroup.school_id == School.id) \
        .join(Pupil, Pupil.class_group_id == ClassGroup.id).where(Pupil.person_id == person.id)
    for stmt in (staff, child, own):
        phone = session.scalars(stmt.where(School.phone.is_not(None)).order_by(School.id)).first()
        if phone:
            return phone
    return None


def _lang(person: Person, identity_lang: str | None) -> str | None:
    chosen = person.language or identity_lang
    return normalise(chosen) if chosen else None


def profile(session: Session, sender_id: str) -> Profile | None:
    identity = session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id))
    if identity is None:
        return None
    person = session.get(Person, identity.person_id)
    return Profile(person.id, person.given_name, _lang(person, identity.language), school_phone(session, person))


def link(session: Session, code: str, sender_id: str, chat_id: int) -> Profile:
    """Redeem an invite (InviteError when the code is not valid) and remember the private chat."""
    person = redeem_invite(session, code, sender_id)
    remember_chat(session, sender_id, chat_id)
    return Profile(person.id, person.given_name, _lang(person, None), school_phone(session, person))


def remember_chat(session: Session, sender_id: str, chat_id: int) -> bool:
    """Store the chat id of a linked sender (only linked ones). True when the sender is linked."""
    if person_for_sender(session, sender_id) is None:
        return False
    row = session.scalar(select(TelegramChat).where(TelegramChat.sender_id == sender_id))
    if row is None:
        session.add(TelegramChat(sender_id=sender_id, chat_id=chat_id))
    elif row.chat_id != chat_id:
        row.chat_id = chat_id
    session.flush()
    return True


def forget(session: Session, sender_id: str) -> bool:
    """Remove the link to a person and the stored chat id. True when there was something to remove."""
    chats = session.execute(delete(TelegramChat).where(TelegramChat.sender_id == sender_id)).rowcount
    linked = forget_sender(session, sender_id)
    return bool(linked or chats)


def prune_orphans(session: Session) -> int:
    """Delete stored chat ids whose link is gone (``naervaer unlink``, or the purge of people who left)."""
    linked = select(ChatIdentity.sender_id)
    return session.execute(delete(TelegramChat).where(TelegramChat.sender_id.not_in(linked))).rowcount or 0


def recipients(session: Session, person_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """The Telegram chats of these people (a person may have linked more than one Telegram account)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(ChatIdentity.person_id, TelegramChat.chat_id, Person.language, ChatIdentity.language,
               Person.given_name)
        .join(TelegramChat, TelegramChat.sender_id == ChatIdentity.sender_id)
        .join(Person, Person.id == ChatIdentity.person_id)
        .where(ChatIdentity.person_id.in_(ids))
        .order_by(ChatIdentity.person_id, TelegramChat.chat_id)
    ).all()
    found: dict[int, list[Recipient]] = defaultdict(list)
    for person_id, chat_id, person_lang, identity_lang, given in rows:
        found[person_id].append(Recipient(person_id, chat_id, normalise(person_lang or identity_lang), given))
    return dict(found)
