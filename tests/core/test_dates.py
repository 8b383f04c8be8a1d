"""Dates as parents and teachers write them, read relative to Monday 23 November 2026."""
from datetime import date, datetime, time

import pytest

from naervaer.dates import parse_clock, parse_days, parse_moment
from tests.helpers import TODAY

MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (23, 24, 25, 26, 27))


@pytest.mark.parametrize(("text", "expected"), [
    ("i dag", [MON]), ("idag", [MON]), ("today", [MON]),
    ("i morgen", [TUE]), ("i morgon", [TUE]), ("tomorrow", [TUE]),
    ("onsdag", [WED]), ("på torsdag", [THU]), ("neste tirsdag", [TUE]),
    ("mandag", [MON]),  # a bare weekday that is today means today
    ("fra mandag til onsdag", [MON, TUE, WED]),
    ("frå tysdag til fredag", [TUE, WED, THU, FRI]),
    ("resten av uka", [MON, TUE, WED, THU, FRI]),
    ("resten av veka", [MON, TUE, WED, THU, FRI]),
    ("i dag og i morgen", [MON, TUE]),
    ("25.11", [WED]), ("25. november", [WED]),
    ("ida er syk i dag", [MON]),
    ("blablabla", []),
])
def test_parse_days(text, expected):
    assert parse_days(text, TODAY) == expected


def test_clock_times():
    assert parse_clock("neste tirsdag kl 10") == time(10, 0)
    assert parse_clock("kl. 14.30") == time(14, 30)
    assert parse_clock("at 9") == time(9, 0)
    assert parse_clock("10:15") == time(10, 15)
    assert parse_clock("i morgen") is None


def test_moment():
    assert parse_moment("sett opp nærværsmøte for Ida neste tirsdag kl 10", TODAY) == datetime(2026, 11, 24, 10, 0)
    assert parse_moment("tirsdag kl 10", TODAY) == datetime(2026, 11, 24, 10, 0)
    assert parse_moment("neste tirsdag", TODAY) is None
