"""Part A of issue 16 through the real Rasa and action servers: an adult pupil's contact, the pupil among a
meeting's participants, and "neste tirsdag" said on a Tuesday.

The servers of this file run on a Tuesday (NAERVAER_TODAY=2026-11-24), so "neste tirsdag" is 1 December."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from naervaer.db import session_scope
from naervaer.models import Contact, Guardianship, Meeting, MeetingKind, Person, Pupil
from tests.e2e.families import linked_sender
from tests.e2e.conftest import Stack, demo_stack
from tests.helpers import pupil_id

pytestmark = pytest.mark.e2e
TUESDAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def tuesday(trained_model, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Both servers and a demo store seeded for, and pinned to, Tuesday 24 November 2026."""
    with demo_stack(trained_model, tmp_path_factory.mktemp("var-tuesday"), TUESDAY) as running:
        yield running


def sender_for(stack: Stack, given: str, family: str) -> str:
    return linked_sender(stack.engine, given, family)


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def buttons(messages) -> list[dict]:
    return [b for m in messages for b in m.buttons]


def entities(payload: str) -> dict:
    return json.loads(payload[payload.index("{"):]) if "{" in payload else {}


def parents_of(stack: Stack, pupil: int) -> list[tuple[int, str, str]]:
    with session_scope(stack.engine) as s:
        return [(p.id, p.full_name, p.phone) for p in s.scalars(
            select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
            .where(Guardianship.pupil_id == pupil))]


def test_an_adult_pupils_absence_offers_his_own_phone_and_the_parents_only_as_the_guides_fallback(tuesday):
    sender = sender_for(tuesday, "Anders", "Fossum")
    jonas = pupil_id(tuesday.engine, "Jonas", "Aune")
    parents = parents_of(tuesday, jonas)
    reply = tuesday.chat.send(sender, "Jonas er ikke her i dag")
    said = texts(reply)
    assert "Jonas er registrert borte i dag" in said or "Jonas is registered absent today" in said, said
    assert "Jonas Aune: 470 00 018" in said
    for _id, name, phone in parents:  # neither named nor their phones shown
        assert name not in said and phone not in said
    assert "Jonas" in said and ("parents" in said or "foreldrene" in said)  # the guide's fallback, in words
    [call] = buttons(reply)
    assert entities(call["payload"]) == {"pupil": "Jonas Aune", "contact_kind": "phone"}
    reply = tuesday.chat.send(sender, call["payload"])
    no_answer = next(b for b in buttons(reply) if entities(b["payload"]).get("reached") == "no")
    tuesday.chat.send(sender, no_answer["payload"])
    with session_scope(tuesday.engine) as s:
        [contact] = s.scalars(select(Contact).where(Contact.pupil_id == jonas, Contact.staff_id.is_not(None)))
        assert contact.reached is False and contact.guardian_id is None  # a call to Jonas, not to a parent


def test_the_pupil_is_among_the_participants_and_neste_tirsdag_on_a_tuesday_is_a_week_later(tuesday):
    sender = sender_for(tuesday, "Ingrid", "Dahl")
    sander = pupil_id(tuesday.engine, "Sander", "Nilsen")
    reply = tuesday.chat.send(sender, "sett opp nærværsmøte for Sander Nilsen neste tirsdag kl 10")
    said = texts(reply)
    assert "Satt opp: nærværsmøte for Sander, tirsdag 1. desember kl. 10.00" in said, said
    assert "Invitert: eleven, hjemmet, kontaktlærer, avdelingsleder." in said
    with session_scope(tuesday.engine) as s:
        meeting = s.scalars(select(Meeting).where(Meeting.pupil_id == sander)).one()
        assert meeting.kind == MeetingKind.NAERVAERSMOTE
        assert (s.get(Pupil, sander).person_id, "pupil") in {(p.person_id, p.role) for p in meeting.participants}
    # The evaluation is proposed inside Alvøen's "2–4 uker": two weeks on, 15 December.
    [evaluation] = [b for b in buttons(reply) if entities(b["payload"]).get("meeting_kind") == "evaluering"]
    assert entities(evaluation["payload"])["date"] == "15.12.2026 kl 10.00"

    # The same time again for Sander: asked about, not booked; booked once confirmed.
    again = tuesday.chat.send(sender, "sett opp samtale for Sander Nilsen neste tirsdag kl 10.15")
    with session_scope(tuesday.engine) as s:
        assert len(s.scalars(select(Meeting).where(Meeting.pupil_id == sander)).all()) == 1
    [anyway] = [b for b in buttons(again) if entities(b["payload"]).get("date", "").endswith("likevel")]
    confirmed = tuesday.chat.send(sender, anyway["payload"])
    assert "Satt opp: samtale med elev og hjem for Sander, tirsdag 1. desember kl. 10.15" in texts(confirmed)
    with session_scope(tuesday.engine) as s:
        assert len(s.scalars(select(Meeting).where(Meeting.pupil_id == sander)).all()) == 2
