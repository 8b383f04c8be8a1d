"""Linked Telegram chats in the core (naervaer.chat_links): linking, forgetting, where the bot may write,
and what the morning job reads, audited. On SQLite and PostgreSQL, over the demo store."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from naervaer import chat_links
from naervaer.absence import AbsenceKind
from naervaer.db import session_scope
from naervaer.identity import InviteError, create_invite, forget_sender
from naervaer.models import AbsenceRecord, AuditEntry, Channel, ChatIdentity, Person, Pupil, TelegramChat
from tests.helpers import TODAY


def person(session, given: str, family: str) -> Person:
    return session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()


def linked(engine, given: str, family: str, sender: str, chat_id: int) -> chat_links.Profile:
    with session_scope(engine) as s:
        return chat_links.link(s, create_invite(s, person(s, given, family)).code, sender, chat_id)


def test_link_remembers_the_chat_and_the_profile_has_the_school_phone(demo_engine):
    profile = linked(demo_engine, "Kari", "Hansen", "tg:kari", 101)
    assert (profile.given_name, profile.school_phone) == ("Kari", "61 31 00 00")
    with session_scope(demo_engine) as s:
        assert chat_links.profile(s, "tg:kari") == profile
        assert chat_links.profile(s, "tg:nobody") is None
        assert s.scalars(select(TelegramChat.chat_id).where(TelegramChat.sender_id == "tg:kari")).all() == [101]
        with pytest.raises(InviteError):
            chat_links.link(s, "not-a-valid-code-at-all-000", "tg:other", 102)


def test_remember_chat_only_for_linked_senders_and_follows_a_new_chat_id(demo_engine):
    linked(demo_engine, "Kari", "Hansen", "tg:kari", 101)
    with session_scope(demo_engine) as s:
        assert chat_links.remember_chat(s, "tg:stranger", 999) is False
        assert chat_links.remember_chat(s, "tg:kari", 202) is True
        assert s.scalars(select(TelegramChat.chat_id)).all() == [202]


def test_recipients_and_linked_contact_teachers(demo_engine):
    linked(demo_engine, "Marte", "Lie", "tg:marte-1", 1)
    linked(demo_engine, "Marte", "Lie", "tg:marte-2", 2)  # a second Telegram account
    linked(demo_engine, "Kari", "Hansen", "tg:kari", 3)
    with session_scope(demo_engine) as s:
        marte, kari = person(s, "Marte", "Lie"), person(s, "Kari", "Hansen")
        s.add(ChatIdentity(sender_id="tg:ingrid", person_id=person(s, "Ingrid", "Dahl").id))  # no stored chat
        s.flush()
        assert chat_links.linked_contact_teachers(s) == [marte.id]
        found = chat_links.recipients(s, [marte.id, kari.id, marte.id])
        assert {p: [r.chat_id for r in rs] for p, rs in found.items()} == {marte.id: [1, 2], kari.id: [3]}
        assert found[marte.id][0].given_name == "Marte" and found[marte.id][0].lang == "nb"
        assert chat_links.recipients(s, []) == {}


def test_forget_and_prune_orphans(demo_engine):
    linked(demo_engine, "Kari", "Hansen", "tg:kari", 1)
    linked(demo_engine, "Marte", "Lie", "tg:marte", 2)
    with session_scope(demo_engine) as s:
        assert chat_links.forget(s, "tg:kari") is True
        assert chat_links.forget(s, "tg:kari") is False
        forget_sender(s, "tg:marte")  # `naervaer unlink` removes only the link
    with session_scope(demo_engine) as s:
        assert chat_links.prune_orphans(s) == 1
        assert s.scalar(select(func.count()).select_from(TelegramChat)) == 0


def test_the_morning_digest_reads_with_the_systems_scope_on_the_chat_channel(demo_engine):
    with session_scope(demo_engine) as s:
        assert chat_links.digest_to_send(s, TODAY) == ([], {})  # no linked teacher: nothing read
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0
    linked(demo_engine, "Marte", "Lie", "tg:marte", 7)
    with session_scope(demo_engine) as s:
        eirik = s.scalar(select(Pupil).where(Pupil.person_id == person(s, "Eirik", "Berg").id))
        s.add(AbsenceRecord(pupil_id=eirik.id, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.IMPORT))
    with session_scope(demo_engine) as s:
        found, chats = chat_links.digest_to_send(s, TODAY)
        assert [[p.full_name for p in d.pupils] for d in found] == [["Eirik Berg"]]
        assert [r.chat_id for r in chats[found[0].teacher_id]] == [7]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.what == "system:telegram_digest")).one()
        assert (entry.actor_id, entry.channel) == (None, Channel.CHAT)
