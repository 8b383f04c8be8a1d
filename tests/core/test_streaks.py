"""Runs of school days in a row with absence (naervaer.rules.streaks), the first-day rules computed from
them, and what a parent is told when a one-day report makes the fourth day in a row (Tynset).

The 2026/27 default calendar: week 40 (28 Sep-2 Oct 2026) is the autumn holiday; 23 Nov 2026 is a Monday.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, select

from naervaer.absence import AbsenceEvent, AbsenceKind
from naervaer.calendar import SchoolCalendar
from naervaer.conversations import first_day
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.flags import contact_events
from naervaer.guides import load_guide
from naervaer.identity import link_sender
from naervaer.models import (
    AbsenceRecord, Channel, Contact, ContactMethod, ContactPurpose, Guardianship, Initiator, Person,
)
from naervaer.rules.streaks import ContactEvent, absence_streak, first_day_due
from tests.helpers import pupil_id

CAL = SchoolCalendar.for_school_year(2026)


def away(*days: date, **kw) -> list[AbsenceEvent]:
    return [AbsenceEvent(d, AbsenceKind.DAY, **kw) for d in days]


THU, FRI, MON, TUE, WED = (date(2026, 11, d) for d in (19, 20, 23, 24, 25))


# --- the run -----------------------------------------------------------------------------------------

def test_a_weekend_does_not_break_a_run():
    streak = absence_streak(away(THU, FRI, MON, TUE), TUE, CAL)
    assert (streak.length, streak.first, streak.last) == (4, THU, TUE)


def test_a_school_day_without_absence_breaks_it():
    assert absence_streak(away(THU, MON, TUE), TUE, CAL).days == (MON, TUE)
    # coming late or missing a lesson is being at school that day
    events = away(THU, MON, TUE) + [AbsenceEvent(FRI, AbsenceKind.LATE)]
    assert absence_streak(events, TUE, CAL).length == 2


def test_the_autumn_holiday_does_not_break_a_run():
    days = (date(2026, 9, 24), date(2026, 9, 25), date(2026, 10, 5), date(2026, 10, 6))
    assert absence_streak(away(*days), days[-1], CAL).days == days


def test_no_run_on_a_day_without_school_or_without_absence():
    assert absence_streak(away(THU, FRI), date(2026, 11, 21), CAL) is None  # a Saturday
    assert absence_streak(away(THU, FRI), MON, CAL) is None
    assert absence_streak(away(date(2026, 12, 22)), date(2026, 12, 22), CAL) is None  # Christmas holiday


def test_a_run_stays_in_its_school_year():
    june, august = date(2027, 6, 18), date(2027, 8, 19)
    assert absence_streak(away(june, august), august, SchoolCalendar.for_school_year(2027)).days == (august,)


def test_an_unannounced_run_stops_at_a_day_the_home_reported_or_called():
    events = away(THU, FRI, TUE) + away(MON, announced_by_home=True)
    assert absence_streak(events, TUE, CAL).length == 4
    assert absence_streak(events, TUE, CAL, unannounced=True).days == (TUE,)
    assert absence_streak(away(THU, FRI, MON, TUE), TUE, CAL, unannounced=True, announced_days={FRI}).days == (MON, TUE)
    assert absence_streak(away(TUE, documented=True), TUE, CAL, unannounced=True) is None


# --- the first-day rules computed from it ------------------------------------------------------------

def due(key: str, events, contacts=(), on=TUE, **kw):
    return [(d.kind, d.rule.id if d.rule else None, d.streak.length)
            for d in first_day_due(events, contacts, load_guide(key), on, CAL, **kw)]


def call(on: date, *, from_home=False, reached=True, phone=True) -> ContactEvent:
    return ContactEvent(on, from_home, reached, phone)


def test_trondelag_unannounced_absence_is_contact_today_from_the_first_day():
    assert due("trondelag", away(TUE)) == [("contact_today", "trondelag_unannounced_dialogue", 1)]
    assert due("trondelag", away(MON, TUE)) == [("contact_today", "trondelag_unannounced_dialogue", 2)]
    assert due("trondelag", away(TUE, announced_by_home=True)) == []


def test_contact_today_until_a_contact_is_logged_since_the_run_began():
    assert due("trondelag", away(MON, TUE), [call(MON)]) == []                 # reached on day one
    assert due("trondelag", away(MON, TUE), [call(TUE, reached=False)]) != []  # tried, nobody answered
    assert due("trondelag", away(MON, TUE), [call(FRI)]) != []                 # before the run
    assert due("trondelag", away(TUE), [call(TUE, from_home=True, phone=False)]) == []


def test_tynset_four_days_in_a_row_is_more_than_three_so_the_home_should_phone():
    three, four = away(THU, FRI, MON), away(THU, FRI, MON, TUE)
    assert [d for d in due("tynset", three, on=MON) if d[0] == "phone_expected"] == []
    assert ("phone_expected", "tynset_phone_over_three_days", 4) in due("tynset", four)
    announced = away(THU, FRI, MON, TUE, announced_by_home=True)  # four one-day reports from home
    assert due("tynset", announced) == [("phone_expected", "tynset_phone_over_three_days", 4)]
    assert due("tynset", announced, [call(TUE, from_home=True)]) == []                    # they phoned
    assert due("tynset", announced, [call(TUE, from_home=True, phone=False)]) != []       # a chat message is not a call
    assert due("tynset", announced, [call(MON, from_home=True)]) != []                    # before the fourth day


def test_a_guide_without_a_computed_rule_has_only_the_digests_same_day_list():
    assert due("alvoen", away(TUE)) == []
    assert due("alvoen", away(TUE), digest_fallback=True) == [("contact_today", None, 1)]
    assert due("jevnaker", away(TUE), digest_fallback=True) == [("contact_today", "jevnaker_school_contacts", 1)]


# --- contacts on the Oslo day, across midnight and both daylight-saving changes ------------------------

@pytest.mark.parametrize("utc, oslo_day", [
    (datetime(2026, 3, 29, 21, 30, tzinfo=timezone.utc), date(2026, 3, 29)),  # 23:30 CEST, the day summer time starts
    (datetime(2026, 3, 29, 22, 30, tzinfo=timezone.utc), date(2026, 3, 30)),  # 00:30 CEST
    (datetime(2026, 10, 25, 22, 30, tzinfo=timezone.utc), date(2026, 10, 25)),  # 23:30 CET, the day it ends
    (datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc), date(2026, 10, 26)),  # 00:30 CET
])
def test_a_contact_counts_on_its_oslo_day(demo_engine, utc, oslo_day):
    sara = pupil_id(demo_engine, "Sara", "Lund")
    with session_scope(demo_engine) as s:
        s.add(Contact(pupil_id=sara, at=utc, method=ContactMethod.PHONE, initiated_by=Initiator.HOME,
                      purpose=ContactPurpose.FIRST_DAY, channel=Channel.CHAT))
    with session_scope(demo_engine) as s:
        [found] = contact_events(s, [sara], date(2026, 3, 1), date(2026, 12, 1))[sara]
    assert found == ContactEvent(oslo_day, True, True, True)


# --- the parent is told on the fourth one-day report in a row ------------------------------------------

def tynset_parent(engine) -> str:
    lucas = pupil_id(engine, "Lucas", "Brekke")
    with session_scope(engine) as s:
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == lucas))
        mother = s.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
                           .where(Guardianship.pupil_id == lucas, Guardianship.parental_responsibility.is_(True))
                           .order_by(Person.id)).first()
        link_sender(s, "tynset-parent", mother)
    return "tynset-parent"


def report_today(engine, sender: str, on: date, lang: str = "en") -> str:
    with session_scope(engine) as s:
        return first_day.store(s, Asker(sender, lang, on), "Lucas Brekke", [on.isoformat()], "whole_day", "sick").text


def test_four_one_day_reports_in_a_row_get_the_same_advice_as_one_report_of_four_days(demo_engine):
    sender = tynset_parent(demo_engine)
    replies = [report_today(demo_engine, sender, day) for day in (THU, FRI, MON)]
    assert all("in a row" not in r for r in replies)
    fourth = report_today(demo_engine, sender, TUE)
    assert ("With this report that makes 4 school days in a row, more than 3, so: If the absence lasts more than "
            "three days, the parents must phone the contact teacher or the school.") in fourth


def test_a_day_back_at_school_starts_the_count_again(demo_engine):
    sender = tynset_parent(demo_engine)
    replies = [report_today(demo_engine, sender, day) for day in (THU, MON, TUE, WED)]  # Friday at school
    assert all("in a row" not in r for r in replies)
    assert "4 school days in a row" in report_today(demo_engine, sender, date(2026, 11, 26))


def test_a_report_ahead_counts_the_days_before_it_nynorsk(demo_engine):
    sender = tynset_parent(demo_engine)
    for day in (THU, FRI, MON):
        report_today(demo_engine, sender, day, "nn")
    with session_scope(demo_engine) as s:  # on Monday the parent also reports Tuesday
        text = first_day.store(s, Asker(sender, "en", MON), "Lucas Brekke", [TUE.isoformat()], "whole_day", "sick").text
    assert "4 school days in a row" in text
