"""Chat identities and invite codes: single-use, expiring, stored only as a hash."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from naervaer.db import session_scope
from naervaer.identity import InviteError, create_invite, forget_sender, person_for_sender, redeem_invite
from naervaer.models import ChatIdentity, InviteCode, Person

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def kari(engine) -> int:
    with session_scope(engine) as s:
        p = Person(given_name="Kari", family_name="Hansen")
        s.add(p)
        s.flush()
        return p.id


def invite(engine, person_id: int, lifetime=timedelta(days=14)) -> str:
    with session_scope(engine) as s:
        return create_invite(s, s.get(Person, person_id), lifetime=lifetime, now=NOW).code


def test_a_code_links_the_sender_once(engine, kari):
    code = invite(engine, kari)
    with session_scope(engine) as s:
        assert redeem_invite(s, code, "tg:abc", now=NOW + timedelta(hours=1)).id == kari
    with session_scope(engine) as s:
        assert person_for_sender(s, "tg:abc").id == kari
    with session_scope(engine) as s, pytest.raises(InviteError):
        redeem_invite(s, code, "tg:someone-else", now=NOW + timedelta(hours=2))
    with session_scope(engine) as s:
        assert person_for_sender(s, "tg:someone-else") is None


def test_an_expired_code_links_nobody(engine, kari):
    code = invite(engine, kari, lifetime=timedelta(days=1))
    with session_scope(engine) as s, pytest.raises(InviteError):
        redeem_invite(s, code, "tg:abc", now=NOW + timedelta(days=1, seconds=1))


def test_a_wrong_code_links_nobody(engine, kari):
    invite(engine, kari)
    with session_scope(engine) as s, pytest.raises(InviteError):
        redeem_invite(s, "not-a-code", "tg:abc", now=NOW)


def test_only_the_hash_is_stored_and_codes_carry_enough_randomness(engine, kari):
    codes = {invite(engine, kari) for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) >= 43 for c in codes)  # 32 random bytes in URL-safe base64 (256 bits)
    with session_scope(engine) as s:
        stored = set(s.scalars(select(InviteCode.code_hash)))
    assert not stored & codes
    assert all(len(h) == 64 for h in stored)


def test_forgetting_removes_the_link(engine, kari):
    code = invite(engine, kari)
    with session_scope(engine) as s:
        redeem_invite(s, code, "tg:abc", now=NOW)
    with session_scope(engine) as s:
        assert forget_sender(s, "tg:abc")
    with session_scope(engine) as s:
        assert person_for_sender(s, "tg:abc") is None
        assert s.scalar(select(ChatIdentity)) is None
