"""The Telegram chats linked to people: linking and forgetting a chat, what the bot says to a linked
person needs (``Profile``), where it can write to them on its own (``Recipient``), and what the morning
job sends to whom. Plain data, no Telegram here: the bot runs each function in one short session
(``bot.services.BotServices.unit``) and only renders and sends.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from naervaer import digest
from naervaer.access import system_scope
from naervaer.directory import school_phone
from naervaer.i18n import normalise
from naervaer.identity import forget_sender, person_for_sender, redeem_invite
from naervaer.models import (
    Channel, ChatIdentity, ClassRole, ClassStaff, Person, StaffMembership, StaffRole, TelegramChat,
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


def _linked(session: Session, roles: type[ClassStaff] | type[StaffMembership], condition: ColumnElement[bool]
            ) -> list[int]:
    """The person ids in ``roles`` matching ``condition`` that the bot can write to (a linked account with
    a stored chat)."""
    return list(session.scalars(
        select(ChatIdentity.person_id).distinct()
        .join(TelegramChat, TelegramChat.sender_id == ChatIdentity.sender_id)
        .join(roles, roles.person_id == ChatIdentity.person_id)
        .where(condition)))


def linked_contact_teachers(session: Session) -> list[int]:
    """The person ids of contact teachers the bot can write to."""
    return _linked(session, ClassStaff, ClassStaff.role == ClassRole.CONTACT_TEACHER)


def linked_absence_officers(session: Session) -> list[int]:
    """The person ids of fraværsansvarlige (staff role absence_officer) the bot can write to."""
    return _linked(session, StaffMembership, StaffMembership.role == StaffRole.ABSENCE_OFFICER)


# --- what the morning job sends ------------------------------------------------
# Each reads the store with the system's scope, audited with the job's purpose on the chat channel (the
# job writes to people in their chats, no operator asked). The digest and the notices ask only for the
# pupils of teachers the bot can write to.


def _job_scope(session: Session, purpose: str):  # noqa: ANN202
    return system_scope(session, f"telegram_{purpose}", channel=Channel.CHAT)


def digest_to_send(session: Session, on: date) -> tuple[list[digest.TeacherDigest], dict[int, list[Recipient]]]:
    """The morning digest for the people the bot can write to: contact teachers, and the school's
    fraværsansvarlig, who gets the pupils to contact today instead of the contact teacher where the
    school has one (``digest.absent_without_report``; worded by ``digest.digest_text``)."""
    teachers = sorted({*linked_contact_teachers(session), *linked_absence_officers(session)})
    if not teachers:
        return [], {}
    found = digest.absent_without_report(session, _job_scope(session, "digest"), on, teachers)
    return found, recipients(session, [d.teacher_id for d in found])


def reminders_to_send(session: Session, on: date
                      ) -> tuple[list[digest.MeetingReminder], dict[int, list[Recipient]]]:
    if not digest.calendar_for("", on).is_school_day(on):
        return [], {}
    found = digest.meetings_to_remind(session, _job_scope(session, "reminders"), digest.reminder_days(on))
    return found, recipients(session, [m.person_id for m in found])


def notices_to_send(session: Session, on: date
                    ) -> tuple[list[digest.ThresholdNoticeItem], dict[int, list[Recipient]]]:
    teachers = linked_contact_teachers(session)
    if not teachers:
        return [], {}
    found = digest.new_threshold_notices(session, _job_scope(session, "threshold_notices"), on, teachers)
    return found, recipients(session, [n.teacher_id for n in found])
