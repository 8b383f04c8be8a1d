""""Today" is the Europe/Oslo day everywhere, on the pinned clock: a report withdrawn just after midnight, a
contact logged at 00:30, across midnight into and out of both daylight-saving changes (2026-03-29, 2026-10-25)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from naervaer import clock, demo
from naervaer.case_status import pupil_status
from naervaer.access import grant_for
from naervaer.conversations import contact_log, first_day, register_absent
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.models import Contact, ContactPurpose, FollowUpCase, Person, Pupil
from tests.helpers import pupil_id, records

# The Oslo days whose midnight is tested: into and out of the spring change (clocks go forward at 02:00 on
# 29 March) and the autumn change (back at 03:00 on 25 October), and an ordinary winter day.
MIDNIGHTS = [date(2026, 3, 29), date(2026, 3, 30), date(2026, 10, 25), date(2026, 10, 26), date(2026, 11, 23)]


def pin(monkeypatch, day: date, hour: int, minute: int) -> datetime:
    """Pin the school's clock to `hour:minute` Oslo time on `day`."""
    moment = datetime.combine(day, time(hour, minute), tzinfo=clock.OSLO)
    monkeypatch.setenv("NAERVAER_NOW", moment.isoformat())
    monkeypatch.delenv("NAERVAER_TODAY", raising=False)
    return moment


def now_asker(sender: str) -> Asker:
    """The asker as the actions build it: today from the clock."""
    return Asker(sender, "en", clock.today())


@pytest.fixture
def seeded(engine, request):
    """The demo, seeded for the day of the test's midnight."""
    with session_scope(engine) as session:
        demo.seed(session, request.param)
    return engine


def aware(moment: datetime) -> datetime:
    return clock.as_utc(moment).astimezone(clock.OSLO)


# --- the clock itself ------------------------------------------------------------------------------


def test_the_pinned_day_holds_for_now_as_well_as_today(monkeypatch):
    monkeypatch.delenv("NAERVAER_NOW", raising=False)
    monkeypatch.setenv("NAERVAER_TODAY", "2026-11-23")
    assert clock.today() == date(2026, 11, 23)
    assert clock.now().date() == date(2026, 11, 23)  # was the real day: a contact "i dag" got the wrong date
    assert abs(clock.now_utc() - clock.now()) < timedelta(seconds=5) and clock.now_utc().tzinfo == timezone.utc


@pytest.mark.parametrize("day", MIDNIGHTS)
def test_a_pinned_moment_is_oslo_time_and_its_day_is_the_oslo_day(monkeypatch, day):
    moment = pin(monkeypatch, day, 0, 30)
    assert clock.now() == moment and clock.today() == day
    stored = clock.now_utc().replace(tzinfo=None)  # as SQLite hands it back
    assert stored.date() == day - timedelta(days=1)  # 22:30 or 23:30 UTC the evening before
    assert clock.day_of(stored) == day
    monkeypatch.setenv("NAERVAER_NOW", "2026-03-29T01:59")  # no offset: Oslo time
    assert clock.now().utcoffset() == timedelta(hours=1)


# --- withdrawing just after midnight ---------------------------------------------------------------


@pytest.mark.parametrize("seeded", MIDNIGHTS, indirect=True)
def test_a_report_withdrawn_just_after_midnight_concerns_the_new_days_reports(seeded, monkeypatch, request):
    day = request.node.callspec.params["seeded"]
    ida = pupil_id(seeded, "Ida", "Hansen")
    later, latest = day + timedelta(days=1), day + timedelta(days=2)
    pin(monkeypatch, day - timedelta(days=1), 23, 50)  # the evening before: a report for tomorrow's tomorrow
    with session_scope(seeded) as s:
        first_day.store(s, now_asker("demo-parent"), "Ida Hansen", [later.isoformat()], "whole_day", "sick")
    pin(monkeypatch, day, 0, 10)  # twenty minutes later, the new day
    with session_scope(seeded) as s:
        first_day.store(s, now_asker("demo-parent"), "Ida Hansen", [latest.isoformat()], "whole_day", "sick")
    with session_scope(seeded) as s:
        asked = first_day.withdraw(s, now_asker("demo-parent"), None, text="trekk tilbake meldingen")
    assert asked.messages[0].text == \
        f"Shall I withdraw the report for Ida for {first_day._list_days([latest], 'en')}?"
    [yes, _no] = asked.messages[0].buttons
    assert yes.payload == f'/cancel_report{{"pupil":"Ida Hansen","date":"{latest.isoformat()}"}}'
    with session_scope(seeded) as s:
        done = first_day.withdraw(s, now_asker("demo-parent"), "Ida Hansen", day_text=latest.isoformat(),
                                  confirmed=True)
    assert done.text == f"The report for Ida for {first_day._list_days([latest], 'en')} is withdrawn."
    assert records(seeded, ida, on=latest) == []
    assert len(records(seeded, ida, on=later)) == 1  # made the day before: the school's to change now


@pytest.mark.parametrize("seeded", MIDNIGHTS, indirect=True)
def test_a_confirmation_pressed_after_midnight_withdraws_nothing_of_the_day_before(seeded, monkeypatch, request):
    day = request.node.callspec.params["seeded"]
    ida = pupil_id(seeded, "Ida", "Hansen")
    later = day + timedelta(days=1)
    pin(monkeypatch, day - timedelta(days=1), 23, 55)
    with session_scope(seeded) as s:
        first_day.store(s, now_asker("demo-parent"), "Ida Hansen", [later.isoformat()], "whole_day", "sick")
        asked = first_day.withdraw(s, now_asker("demo-parent"), None, text="slett meldingen")
    assert "Shall I withdraw the report for Ida" in asked.text
    pin(monkeypatch, day, 0, 5)  # the "yes" comes ten minutes later, after midnight
    with session_scope(seeded) as s:
        late = first_day.withdraw(s, now_asker("demo-parent"), "Ida Hansen", day_text=later.isoformat(),
                                  confirmed=True)
    assert late.text == "I find no report from you today that can be withdrawn."
    assert len(records(seeded, ida, on=later)) == 1


# --- contacts at 00:30 -----------------------------------------------------------------------------


@pytest.mark.parametrize("seeded", MIDNIGHTS, indirect=True)
def test_the_homes_first_day_report_at_half_past_midnight_is_that_days_contact(seeded, monkeypatch, request):
    day = request.node.callspec.params["seeded"]
    ida = pupil_id(seeded, "Ida", "Hansen")
    moment = pin(monkeypatch, day, 0, 30)
    with session_scope(seeded) as s:
        first_day.store(s, now_asker("demo-parent"), "Ida Hansen", [day.isoformat()], "arrives_late", "leave")
    with session_scope(seeded) as s:
        contact = s.scalars(select(Contact).where(Contact.pupil_id == ida,
                                                  Contact.purpose == ContactPurpose.FIRST_DAY)).one()
        assert aware(contact.at) == moment  # on the school's clock, not the machine's
        assert clock.day_of(contact.at) == day
    with session_scope(seeded) as s:
        registered = register_absent.register(s, now_asker("demo-teacher"), "Ida Hansen")
    assert "The home has reported it" in registered.text


@pytest.mark.parametrize("seeded", MIDNIGHTS, indirect=True)
def test_a_contact_logged_at_half_past_midnight_is_dated_that_day(seeded, monkeypatch, request):
    day = request.node.callspec.params["seeded"]
    ida = pupil_id(seeded, "Ida", "Hansen")
    with session_scope(seeded) as s:
        s.add(FollowUpCase(pupil_id=ida, opened_on=day))  # the case opened that day
    moment = pin(monkeypatch, day, 0, 30)
    with session_scope(seeded) as s:
        reply = contact_log.log(s, now_asker("demo-teacher"), "Ida Hansen", "jeg ringte Kari, snakket med henne",
                                guardian_hint="Kari")
    assert reply.messages[0].text == \
        f"Logged: phone call with Kari Hansen about Ida, {first_day._list_days([day], 'en')}, reached."
    with session_scope(seeded) as s:
        [contact] = s.scalars(select(Contact).where(Contact.pupil_id == ida)).all()
        assert aware(contact.at) == moment
        # The follow-up path counts it on the day the case opened: the contact step is done that day.
        kari = s.scalars(select(Person).where(Person.given_name == "Marte", Person.family_name == "Lie")).one()
        status = pupil_status(s, grant_for(s, kari, s.get(Pupil, ida), day), day)
    assert day in status.next.done.values()
