"""Staff book follow-up meetings: what is read from the message, what is booked and warned about,
and the invitation, which is written only once the booking is committed."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from naervaer.access import AccessDenied, Grant, Permission, grant_for
from naervaer.clock import OSLO
from naervaer.conversations import meetings
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.meeting_store import Invitee, MeetingKind, book_meeting
from naervaer.models import (
    AuditAction,
    AuditEntry,
    Channel,
    Contact,
    ContactMethod,
    ContactPurpose,
    Guardianship,
    Initiator,
    Meeting,
    MeetingParticipant,
    Person,
    Pupil,
)
from tests.helpers import TODAY, pupil_id

TUESDAY_AT_TEN = datetime(2026, 11, 24, 10, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def var_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))
    return tmp_path


def book(engine, sender: str, name: str | None, kind: str | None, when: str, lang: str = "nb"):
    with session_scope(engine) as session:
        return meetings.schedule(session, Asker(sender, lang, TODAY), name, kind, when)


def meeting_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Meeting))


def payload_entities(payload: str) -> dict:
    return json.loads(payload[payload.index("{"):])


def test_the_request_is_read_from_the_message_alone():
    assert meetings.read_request("Nærværsmøte ", "neste tirsdag kl 10", TODAY) == meetings.MeetingRequest(
        MeetingKind.NAERVAERSMOTE, TUESDAY_AT_TEN)
    assert meetings.read_request(None, "i morgen", TODAY) == meetings.MeetingRequest(MeetingKind.SAMTALE, None)
    assert meetings.read_request("evalueringsmøte", None, TODAY).kind is MeetingKind.EVALUERING


def test_a_request_without_a_time_or_for_a_day_gone_by_is_refused_before_anything_is_read():
    no_time = meetings.MeetingRequest(MeetingKind.FAGMOTE, None)
    assert meetings.refusal(no_time, "Ida", TODAY) == meetings.TimeMissing(MeetingKind.FAGMOTE, "Ida")
    last_week = meetings.MeetingRequest(MeetingKind.FAGMOTE, TUESDAY_AT_TEN - timedelta(days=7))
    assert meetings.refusal(last_week, "Ida", TODAY) == meetings.DayPassed(TODAY - timedelta(days=6))
    assert meetings.refusal(meetings.MeetingRequest(MeetingKind.FAGMOTE, TUESDAY_AT_TEN), "Ida", TODAY) is None


def test_nothing_is_booked_without_a_time_or_in_the_past(demo_engine):
    assert "Skriv dag og klokkeslett" in book(demo_engine, "demo-teacher", "Ida Hansen", "fagmøte", "").text
    past = book(demo_engine, "demo-teacher", "Ida Hansen", "fagmøte", "1. november 2026 kl 9")
    assert past.text == "søndag 1. november har vært. Hvilken dag skal møtet være?" and past.invitation is None
    assert meeting_count(demo_engine) == 0


def test_the_meeting_is_booked_with_the_guides_people_and_audited(demo_engine):
    answer = book(demo_engine, "demo-teacher", "Ida Hansen", "nærværsmøte", "neste tirsdag kl 10")
    assert answer.reply.messages[0].text == ("Satt opp: nærværsmøte for Ida, tirsdag 24. november kl. 10.00, på "
                                             "Jevnaker demoskole. Invitert: kontaktlærer, hjemmet.")
    with session_scope(demo_engine) as s:
        meeting = s.scalars(select(Meeting)).one()
        invited = {(s.get(Person, p.person_id).given_name, p.role) for p in meeting.participants}
        marte = s.scalar(select(Person.id).where(Person.given_name == "Marte"))
        audited = s.scalars(select(AuditEntry).where(AuditEntry.what == "meeting")).one()
        assert meeting.kind is MeetingKind.NAERVAERSMOTE and meeting.created_by_id == marte
        assert invited == {("Marte", "contact_teacher"), ("Kari", "home")}  # not Ole: no parental responsibility
        assert (audited.action, audited.actor_id, audited.record_id) == (AuditAction.CREATE, marte, meeting.id)


def test_the_invitation_is_written_when_the_reply_is_completed_and_names_the_pupil_by_first_name(demo_engine):
    answer = book(demo_engine, "demo-teacher", "Ida Hansen", "nærværsmøte", "neste tirsdag kl 10")
    path = answer.invitation.path
    assert f"Kalenderinvitasjon: {path}" in answer.text
    assert not path.exists()  # the booking's transaction is over before the disk is touched
    answer.full_reply()
    ics = path.read_text(encoding="utf-8")
    assert "SUMMARY:nærværsmøte: Ida" in ics and "Hansen" not in ics
    assert "DTSTART:20261124T090000Z" in ics and "DTEND:20261124T094500Z" in ics


def test_a_booked_meeting_whose_invitation_cannot_be_written_is_still_booked_and_said_so(demo_engine, var_dir):
    (var_dir / "invitations").write_text("a file where the folder should be", encoding="utf-8")
    answer = book(demo_engine, "demo-teacher", "Ida Hansen", "nærværsmøte", "neste tirsdag kl 10")
    reply = answer.full_reply()
    assert meeting_count(demo_engine) == 1
    assert "Kalenderinvitasjon" not in reply.text
    assert "Møtet er satt opp, men jeg fikk ikke laget kalenderinvitasjonen" in reply.text
    assert reply.text.startswith("Satt opp: nærværsmøte for Ida")


def test_the_guardians_of_a_pupil_of_18_are_not_invited(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    book(demo_engine, "demo-teacher-trondelag", "Jonas Aune", "samtale", "neste tirsdag kl 10")
    with session_scope(demo_engine) as s:
        invited = set(s.scalars(select(MeetingParticipant.person_id).join(Meeting)
                                .where(Meeting.pupil_id == jonas)))
        parents = set(s.scalars(select(Guardianship.guardian_id).where(Guardianship.pupil_id == jonas)))
    assert invited and parents and not invited & parents


def test_warnings_for_a_day_off_and_a_clash_with_the_bookers_own_meeting(demo_engine):
    saturday = book(demo_engine, "demo-teacher", "Ida Hansen", None, "lørdag kl 10")
    assert "⚠ lørdag 28. november er ikke skoledag." in saturday.text
    book(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "neste tirsdag kl 10")
    clash = book(demo_engine, "demo-teacher", "Eirik Berg", "samtale", "neste tirsdag kl 10.30")
    assert "⚠ Du har allerede et møte tirsdag 24. november kl. 10.00." in clash.text


def test_a_warning_when_the_meeting_is_later_than_the_guides_deadline(demo_engine):
    sander = pupil_id(demo_engine, "Sander", "Nilsen")
    with session_scope(demo_engine) as s:  # once the home is reached, Alvøen's next step is the attendance meeting
        s.add(Contact(pupil_id=sander, at=datetime(2026, 11, 22, 12, tzinfo=OSLO), method=ContactMethod.PHONE,
                      initiated_by=Initiator.SCHOOL, purpose=ContactPurpose.FOLLOW_UP, reached=True,
                      channel=Channel.CHAT))
    late = book(demo_engine, "demo-teacher-alvoen", "Sander Nilsen", "nærværsmøte", "1. desember kl 10")
    assert "⚠ Fristen i veilederen for dette møtet er søndag 29. november." in late.text
    in_time = book(demo_engine, "demo-teacher-alvoen", "Sander Nilsen", "nærværsmøte", "i morgen kl 12")
    assert "Fristen" not in in_time.text


def test_the_evaluation_meeting_is_proposed_at_the_guides_interval_but_not_after_an_evaluation(demo_engine):
    answer = book(demo_engine, "demo-teacher", "Ida Hansen", "nærværsmøte", "neste tirsdag kl 10")
    [button] = answer.reply.messages[-1].buttons
    assert button.payload == ('/schedule_meeting{"pupil":"Ida Hansen","meeting_kind":"evaluering",'
                              '"date":"15.12.2026 kl 10.00"}')
    evaluation = book(demo_engine, "demo-teacher", "Ida Hansen", "evaluering", "15. desember kl 10")
    assert not any(m.buttons for m in evaluation.reply.messages)


def test_a_name_with_a_quotation_mark_stays_one_value_in_the_evaluation_button(demo_engine):
    with session_scope(demo_engine) as s:
        ida = s.scalars(select(Person).join(Pupil, Pupil.person_id == Person.id)
                        .where(Person.given_name == "Ida", Person.family_name == "Hansen")).one()
        ida.family_name = 'Hansen "Junior"'
    answer = book(demo_engine, "demo-teacher", 'Ida Hansen "Junior"', "nærværsmøte", "neste tirsdag kl 10")
    [button] = answer.reply.messages[-1].buttons
    assert payload_entities(button.payload) == {"pupil": 'Ida Hansen "Junior"', "meeting_kind": "evaluering",
                                                "date": "15.12.2026 kl 10.00"}


def test_who_may_not_book_books_nothing(demo_engine):
    other_school = book(demo_engine, "demo-teacher-alvoen", "Ida Hansen", "samtale", "i morgen kl 10")
    assert "finner ingen elev" in other_school.text
    assert "finner ingen elev" in book(demo_engine, "demo-parent", "Ida", "samtale", "i morgen kl 10").text
    assert "vet ikke hvem du er" in book(demo_engine, "stranger", "Ida", "samtale", "i morgen kl 10").text
    assert meeting_count(demo_engine) == 0


def test_the_store_books_only_on_a_grant_that_allows_scheduling(demo_engine):
    ida_id = pupil_id(demo_engine, "Ida", "Hansen")
    with session_scope(demo_engine) as s:
        kari = s.scalar(select(Person).where(Person.given_name == "Kari", Person.family_name == "Hansen"))
        ida = s.get(Pupil, ida_id)
        parents_grant = grant_for(s, kari, ida, TODAY)
        assert parents_grant.allows(Permission.VIEW_ABSENCE)
        for grant in (parents_grant, Grant(permissions=frozenset(Permission))):
            with pytest.raises(AccessDenied):
                book_meeting(s, grant, MeetingKind.SAMTALE, TUESDAY_AT_TEN, "Møterom 1", [Invitee(kari.id, "home")])
    assert meeting_count(demo_engine) == 0
