"""Each person is answered in their own written language."""
import pytest

from naervaer.i18n import detect_language, format_day, format_moment
from datetime import date, datetime


@pytest.mark.parametrize(("text", "expected"), [
    ("Hvor mye fravær har Ida?", "nb"),
    ("hva gjør ppt egentlig", "nb"),
    ("kor mykje fråvær har ida", "nn"),
    ("kva gjer eg no med eirik", "nn"),
    ("snakkar eg med eit menneske", "nn"),
    ("how much absence does ida have", "en"),
])
def test_detects_bokmal_nynorsk_and_english(text, expected):
    assert detect_language(text) == expected


def test_too_short_or_undecided_keeps_the_previous_language():
    assert detect_language("ok", fallback="nn") == "nn"
    assert detect_language("Ida er syk i dag", fallback="nn") == "nn"
    assert detect_language("Ida er syk i dag", fallback="nb") == "nb"


def test_dates_are_written_the_norwegian_way():
    assert format_day(date(2026, 12, 1), "nb") == "tirsdag 1. desember"
    assert format_day(date(2026, 12, 1), "nn") == "tysdag 1. desember"
    assert format_moment(datetime(2026, 12, 1, 10, 0), "nb") == "tirsdag 1. desember kl. 10.00"
    assert format_moment(datetime(2026, 12, 1, 10, 0), "en") == "Tuesday 1 December at 10:00"


@pytest.mark.parametrize(("text", "fallback", "expected"), [
    ("hei", "nb", "nb"), ("hei", "nn", "nn"), ("takk", "nn", "nn"),
    ("thanks", "nb", "en"), ("god morgon", "nb", "nn"),
])
def test_one_or_two_words_switch_language_only_when_clear(text, fallback, expected):
    assert detect_language(text, fallback=fallback) == expected
