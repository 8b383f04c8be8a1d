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
    offered = [m for m in answer.reply.messages if m.attachment]
    assert [m.attachment for m in offered] == [str(path)] and offered[0].text == "Kalenderinvitasjonen til møtet:"
    assert str(path) not in answer.text  # a file path on the server means nothing to the person
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
    assert "Kalenderinvitasjon" not in reply.text and not any(m.attachment for m in reply.messages)
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


def test_a_warning_for_a_day_off(demo_engine):
    saturday = book(demo_engine, "demo-teacher", "Ida Hansen", None, "lørdag kl 10")
    assert "⚠ lørdag 28. november er ikke skoledag." in saturday.text


def test_a_second_meeting_at_the_same_time_for_the_booker_is_asked_about_not_booked(demo_engine):
    book(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "neste tirsdag kl 10")
    clash = book(demo_engine, "demo-teacher", "Eirik Berg", "samtale", "neste tirsdag kl 10.30", lang="en")
    assert meeting_count(demo_engine) == 1 and clash.invitation is None
    [message] = clash.reply.messages
    assert message.text == ("You already have a meeting Tuesday 24 November at 10:00. Shall I book the conversation "
                            "with pupil and home for Eirik Tuesday 24 November at 10:30 all the same, or at another "
                            "time? I have booked nothing yet.")
    anyway, later = message.buttons
    assert anyway.title == "Book it all the same" and payload_entities(anyway.payload) == {
        "pupil": "Eirik Berg", "meeting_kind": "samtale", "date": "24.11.2026 kl 10.30 likevel"}
    # The first free time: when Ida's meeting (45 minutes) is over.
    assert later.title == "Tuesday 24 November at 10:45"
    assert payload_entities(later.payload)["date"] == "24.11.2026 kl 10.45"
    confirmed = book(demo_engine, "demo-teacher", "Eirik Berg", "samtale", payload_entities(anyway.payload)["date"])
    assert confirmed.text.startswith("Satt opp: samtale med elev og hjem for Eirik, tirsdag 24. november kl. 10.30")
    assert meeting_count(demo_engine) == 2


def test_a_second_meeting_about_the_same_pupil_is_asked_about_even_by_another_booker(demo_engine):
    book(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "neste tirsdag kl 10")
    clash = book(demo_engine, "demo-principal", "Ida Hansen", "samarbeidsmøte", "tirsdag kl 10.15", lang="en")
    assert clash.text.startswith("Ida already has a conversation with pupil and home Tuesday 24 November at 10:00.")
    assert meeting_count(demo_engine) == 1
    # The principal's own calendar is free, Marte's (invited as the contact teacher) and Ida's are not.
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        s.scalars(select(Meeting)).one().pupil_id = eirik  # now only Marte's meeting is in the way
    clash = book(demo_engine, "demo-principal", "Ida Hansen", "samarbeidsmøte", "tirsdag kl 10.15", lang="en")
    assert clash.text.startswith("Marte Lie already has a meeting Tuesday 24 November at 10:00.")
    assert meeting_count(demo_engine) == 1


def test_a_meeting_that_ends_as_the_other_begins_is_no_clash(demo_engine):
    book(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "neste tirsdag kl 10")
    after = book(demo_engine, "demo-teacher", "Eirik Berg", "samtale", "neste tirsdag kl 10.45")
    before = book(demo_engine, "demo-teacher", "Noah Bakke", "samtale", "neste tirsdag kl 9.15")
    assert after.text.startswith("Satt opp:") and before.text.startswith("Satt opp:")
    assert meeting_count(demo_engine) == 3


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


# --- the guide's participants, the pupil among them ----------------------------------------------------

def invited_people(engine, pupil: int) -> set[tuple[int | None, str]]:
    with session_scope(engine) as s:
        meeting = s.scalars(select(Meeting).where(Meeting.pupil_id == pupil)).one()
        return {(p.person_id, p.role) for p in meeting.participants}


def person_of(engine, pupil: int) -> int:
    with session_scope(engine) as s:
        return s.get(Pupil, pupil).person_id


def acting_guardians(engine, pupil: int) -> set[int]:
    with session_scope(engine) as s:
        return set(s.scalars(select(Guardianship.guardian_id).where(
            Guardianship.pupil_id == pupil, Guardianship.parental_responsibility.is_(True))))


def test_alvoens_attendance_meeting_invites_the_pupil_with_the_parents_teacher_and_department_head(demo_engine):
    # Alvøen, "4. Nærværsmøte": "Deltakere: Elev, foresatte, kontaktlærer, avdelingsleder" (lines 150-151).
    sander = pupil_id(demo_engine, "Sander", "Nilsen")
    answer = book(demo_engine, "demo-teacher-alvoen", "Sander Nilsen", "nærværsmøte", "i morgen kl 10")
    assert answer.reply.messages[0].text.endswith("Invitert: eleven, hjemmet, kontaktlærer, avdelingsleder.")
    invited = invited_people(demo_engine, sander)
    assert (person_of(demo_engine, sander), "pupil") in invited
    assert {g for g, role in invited if role == "home"} == acting_guardians(demo_engine, sander)
    assert (None, "department_head") in invited  # the demo school has none: the school invites them itself


def test_tynsets_cooperation_meeting_calls_in_parents_and_pupil_and_the_fagmote_is_the_team_alone(demo_engine):
    # Tynset, punkt 4: "innkalles foresatte og elev sammen med aktuelle instanser" (line 159); punkt 3: the
    # principal calls the interdisciplinary team to the fagmøte, which prepares the meeting with pupil and home.
    emma = pupil_id(demo_engine, "Emma", "Moen")
    book(demo_engine, "demo-teacher-tynset", "Emma Moen", "samarbeidsmøte", "i morgen kl 10")
    invited = invited_people(demo_engine, emma)
    assert (person_of(demo_engine, emma), "pupil") in invited
    assert {g for g, role in invited if role == "home"} == acting_guardians(demo_engine, emma)
    lucas = pupil_id(demo_engine, "Lucas", "Brekke")
    fagmote = book(demo_engine, "demo-teacher-tynset", "Lucas Brekke", "fagmøte", "i morgen kl 12")
    assert fagmote.reply.messages[0].text.endswith("Invitert: rektor, tverrfaglig team, kontaktlærer.")
    roles = {role for _person, role in invited_people(demo_engine, lucas)}
    assert roles == {"principal", "interdisciplinary_team", "contact_teacher"}  # the booker; no home, no pupil


def test_where_the_guide_names_no_participants_the_booker_invites_teacher_and_home(demo_engine):
    # Jevnaker has no nærværsmøte step: the contact teacher and the home, as before (and not the pupil).
    book(demo_engine, "demo-teacher", "Ida Hansen", "nærværsmøte", "neste tirsdag kl 10")
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    assert {role for _p, role in invited_people(demo_engine, ida)} == {"contact_teacher", "home"}


# Words a seed uses for each role a step's `participants` names.
ROLE_WORDS = {
    "pupil": r"elev", "home": r"foresatt|foreldre|hjem", "contact_teacher": r"kontaktlærer",
    "department_head": r"avdelingsleder|avd\.leder", "principal": r"rektor",
    "interdisciplinary_team": r"tverrfaglig|instanser|team", "school_management": r"skoleledelse|skole",
    "kindergarten_leader": r"ped\.? ?leder|pedagogisk leder|styrer|barnehage",
}


@pytest.mark.parametrize("key", ["jevnaker", "alvoen", "tynset", "aas", "trondelag"])
def test_every_participant_a_meeting_step_names_is_in_the_seed_lines_it_cites(key):
    import re

    from naervaer.guides import load_guide
    from naervaer.knowledge.seeds import SeedsMissing, seed_lines

    guide = load_guide(key)
    try:
        lines = seed_lines(guide.source_file)
    except (SeedsMissing, FileNotFoundError):
        pytest.skip("the seed texts are not available (NAERVAER_SEEDS)")
    named = [step for _stage, step in guide.followup.steps() if step.participants]
    assert named, f"{key}: no meeting step names its participants"
    for step in named:
        assert step.meeting_kind is not None, step.id
        sources = [step.source, *getattr(step, "also", [])]
        text = " ".join(" ".join(lines[s.lines[0] - 1:s.lines[1]]) for s in sources).lower()
        for role in step.participants:
            assert re.search(ROLE_WORDS[role], text), f"{step.id}: {role} is not in lines {step.source.lines}"


# --- the evaluation, in the guide's words and inside its window ---------------------------------------

def test_alvoens_evaluation_is_proposed_in_the_guides_words_inside_its_two_to_four_weeks(demo_engine):
    answer = book(demo_engine, "demo-teacher-alvoen", "Sander Nilsen", "nærværsmøte", "neste tirsdag kl 10", lang="en")
    proposal = answer.reply.messages[-1]
    assert "after 2–4 weeks" in proposal.text and "28 days" not in proposal.text
    assert "between Tuesday 8 December and Tuesday 22 December" in proposal.text
    assert proposal.text.endswith("Shall I book the evaluation meeting Tuesday 8 December at the same time?")
    [button] = proposal.buttons
    assert payload_entities(button.payload)["date"] == "08.12.2026 kl 10.00"


def test_the_proposed_evaluation_skips_days_off_but_stays_inside_the_window(demo_engine):
    # 14 days after Friday 11 December 2026 is Friday 25 December (Christmas): the first school day of the
    # window is Monday 4 January 2027, still inside the four weeks (Friday 8 January).
    answer = book(demo_engine, "demo-teacher-alvoen", "Sander Nilsen", "nærværsmøte", "11. desember kl 9", lang="en")
    proposal = answer.reply.messages[-1]
    assert "Shall I book the evaluation meeting Monday 4 January at the same time?" in proposal.text
    assert payload_entities(proposal.buttons[0].payload)["date"] == "04.01.2027 kl 09.00"


# --- never in the past: a pinned clock, across midnight and both daylight-saving changes --------------

def book_at(engine, sender: str, name: str, kind: str | None, when: str, now: datetime, lang: str = "en"):
    with session_scope(engine) as session:
        return meetings.schedule(session, Asker(sender, lang, now.date()), name, kind, when, now=now)


def test_an_hour_already_past_today_is_refused_with_the_same_time_on_the_next_school_day(demo_engine):
    now = datetime(2026, 11, 27, 11, 20, tzinfo=OSLO)  # a Friday: the next school day is Monday
    answer = book_at(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "i dag kl 10", now)
    assert meeting_count(demo_engine) == 0 and answer.invitation is None
    [message] = answer.reply.messages
    assert message.text == ("Friday 27 November at 10:00 has already passed (it is now Friday 27 November at 11:20), "
                            "so I have booked nothing. Shall I book the conversation with pupil and home for Ida "
                            "Monday 30 November at 10:00 instead? Or write another time.")
    [button] = message.buttons
    assert payload_entities(button.payload) == {"pupil": "Ida Hansen", "meeting_kind": "samtale",
                                                "date": "30.11.2026 kl 10.00"}
    later_today = book_at(demo_engine, "demo-teacher", "Ida Hansen", "samtale", "i dag kl 11.30", now)
    assert later_today.text.startswith("Booked: conversation with pupil and home for Ida, Friday 27 November at 11:30")


def test_the_school_clock_decides_what_is_past_when_no_moment_is_given(demo_engine, monkeypatch):
    from naervaer import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 14, 0, tzinfo=OSLO))
    assert "has already passed" in book(demo_engine, "demo-teacher", "Ida Hansen", None, "i dag kl 13", "en").text
    assert book(demo_engine, "demo-teacher", "Ida Hansen", None, "i dag kl 15", "en").text.startswith("Booked:")


@pytest.mark.parametrize(("now", "when", "booked_utc"), [
    # Just before midnight: today's evening hour is gone, tomorrow's first hour is not.
    (datetime(2026, 11, 23, 23, 59, tzinfo=OSLO), "i dag kl 23.30", None),
    (datetime(2026, 11, 23, 23, 59, tzinfo=OSLO), "i morgen kl 0.15", "20261123T231500Z"),
    # Just after midnight: "today" is the new day.
    (datetime(2026, 11, 24, 0, 10, tzinfo=OSLO), "i dag kl 0.05", None),
    (datetime(2026, 11, 24, 0, 10, tzinfo=OSLO), "i dag kl 0.30", "20261123T233000Z"),
    # The spring change, 29 March 2026 02:00 -> 03:00: 01:50 is winter time, 03:00 summer time.
    (datetime(2026, 3, 29, 1, 50, tzinfo=OSLO), "i dag kl 3", "20260329T010000Z"),
    (datetime(2026, 3, 29, 3, 10, tzinfo=OSLO), "i dag kl 3", None),
    # The autumn change, 25 October 2026 03:00 -> 02:00: 01:30 is summer time, 10:00 winter time.
    (datetime(2026, 10, 25, 1, 30, tzinfo=OSLO), "i dag kl 1", None),
    (datetime(2026, 10, 25, 1, 30, tzinfo=OSLO), "i dag kl 10", "20261025T090000Z"),
])
def test_past_hours_across_midnight_and_the_daylight_saving_changes(demo_engine, now, when, booked_utc):
    answer = book_at(demo_engine, "demo-teacher", "Ida Hansen", "samtale", when, now)
    if booked_utc is None:
        assert "has already passed" in answer.text and meeting_count(demo_engine) == 0
        return
    assert answer.text.startswith("Booked:"), answer.text
    answer.full_reply()
    assert f"DTSTART:{booked_utc}" in answer.invitation.path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("booked_on", "proposed", "utc_before", "utc_after"), [
    # Spring: Friday 20 March at 10 (winter time), evaluation three weeks on, 10 April (summer time).
    ("20.03.2026 kl 10", "10.04.2026 kl 10.00", "20260320T090000Z", "20260410T080000Z"),
    # Autumn: Friday 16 October at 10 (summer time), evaluation 6 November (winter time).
    ("16.10.2026 kl 10", "06.11.2026 kl 10.00", "20261016T080000Z", "20261106T090000Z"),
])
def test_the_evaluation_keeps_its_hour_across_the_daylight_saving_changes(demo_engine, booked_on, proposed,
                                                                          utc_before, utc_after):
    now = datetime(2026, 3, 16, 8, tzinfo=OSLO) if booked_on.endswith("03.2026 kl 10") else \
        datetime(2026, 10, 12, 8, tzinfo=OSLO)
    first = book_at(demo_engine, "demo-teacher", "Ida Hansen", "samarbeidsmøte", booked_on, now)
    first.full_reply()
    assert f"DTSTART:{utc_before}" in first.invitation.path.read_text(encoding="utf-8")
    [button] = first.reply.messages[-1].buttons
    assert payload_entities(button.payload)["date"] == proposed  # Jevnaker: "etter tre uker", 21 days
    second = book_at(demo_engine, "demo-teacher", "Ida Hansen", "evaluering", proposed, now)
    second.full_reply()
    assert f"DTSTART:{utc_after}" in second.invitation.path.read_text(encoding="utf-8")


def test_a_clock_time_the_nlu_missed_is_read_from_the_whole_message(demo_engine):
    message = "sett opp nærværsmøte for Sander Nilsen neste tirsdag kl 10"
    with session_scope(demo_engine) as session:  # the NLU found the day, not the time
        answer = meetings.schedule(session, Asker("demo-teacher-alvoen", "nb", TODAY), "Sander Nilsen", "nærværsmøte",
                                   "neste tirsdag", text=message)
    assert answer.text.startswith("Satt opp: nærværsmøte for Sander, tirsdag 24. november kl. 10.00")
