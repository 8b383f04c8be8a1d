from datetime import date

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides import load_guide
from naervaer.rules.engine import evaluate, evaluate_many
from naervaer.rules.explain import explain
from naervaer.rules.synthetic import synthetic_events

CAL = SchoolCalendar.for_school_year(2026)
ON = date(2026, 11, 27)


def ev(m, d, kind=AbsenceKind.DAY, subject=None, rid=None):
    return AbsenceEvent(date(2026, m, d), kind, hours=1.0 if subject else 0.0, subject=subject, record_id=rid)


def pattern_flags(key, events, rule_id, level=SchoolLevel.VGS):
    return [f for f in evaluate(events, load_guide(key), ON, CAL, level) if f.rule_id == rule_id]


def test_trondelag_same_weekday_three_mondays_in_six_weeks():
    # six weeks before 27 Nov: 17 Oct-27 Nov
    two = [ev(10, 19), ev(11, 2, AbsenceKind.HOUR, "NOR")]
    assert pattern_flags("trondelag", two, "trondelag_fixed_days") == []
    [f] = pattern_flags("trondelag", two + [ev(11, 16, AbsenceKind.LEFT_EARLY)], "trondelag_fixed_days")
    assert (f.kind, f.weekday, f.count, f.window_start) == ("pattern", 0, 3, date(2026, 10, 17))
    assert pattern_flags("trondelag", [ev(10, 12)] + two, "trondelag_fixed_days") == []  # 12 Oct is outside


def test_tynset_often_late_and_avoided_subject():
    late = [ev(11, d, AbsenceKind.LATE) for d in (3, 10)]
    assert pattern_flags("tynset", late, "tynset_often_late", SchoolLevel.BARNESKOLE) == []
    assert pattern_flags("tynset", late + [ev(11, 10, AbsenceKind.LATE)], "tynset_often_late",
                         SchoolLevel.BARNESKOLE) == []  # same day twice
    assert pattern_flags("tynset", late + [ev(11, 17, AbsenceKind.LATE)], "tynset_often_late",
                         SchoolLevel.BARNESKOLE)[0].count == 3
    kro = [ev(11, 3, AbsenceKind.HOUR, "KRO"), ev(11, 3, AbsenceKind.HOUR, "KRO")]
    assert pattern_flags("tynset", kro, "tynset_avoids_subject", SchoolLevel.BARNESKOLE) == []
    [f] = pattern_flags("tynset", kro + [ev(11, 10, AbsenceKind.HOUR, "KRO")], "tynset_avoids_subject",
                        SchoolLevel.BARNESKOLE)
    assert (f.subject, f.count) == ("KRO", 2)


def test_evaluate_many_matches_evaluate():
    events = synthetic_events(300, date(2026, 8, 19), date(2027, 6, 18), calendar=CAL, seed=7)
    on = date(2027, 3, 10)
    for key, level in [("jevnaker", SchoolLevel.UNGDOMSSKOLE), ("trondelag", SchoolLevel.VGS)]:
        guide = load_guide(key)
        many = evaluate_many(events, guide, level, on, CAL)
        assert any(many.values())
        for pupil, evs in events.items():
            assert many[pupil] == evaluate(evs, guide, on, CAL, level)


def test_synthetic_is_reproducible_and_about_five_percent():
    a = synthetic_events(200, date(2026, 8, 19), date(2027, 6, 18), calendar=CAL, seed=3)
    assert a == synthetic_events(200, date(2026, 8, 19), date(2027, 6, 18), calendar=CAL, seed=3)
    days = sum(1 for evs in a.values() for e in evs if e.kind is AbsenceKind.DAY)
    rate = days / (200 * CAL.count_school_days(date(2026, 8, 19), date(2027, 6, 18)))
    assert 0.03 < rate < 0.07


def test_explain_in_three_languages():
    events = [ev(11, d, rid=d) for d in (2, 3, 4, 5)]
    [f] = [f for f in evaluate(events, load_guide("jevnaker"), date(2026, 11, 23), CAL, SchoolLevel.BARNESKOLE)
           if f.rule_id == "jevnaker_days_month"]
    nb, nn, en = (explain(f, lang, "Ida") for lang in ("nb", "nn", "en"))
    assert nb.startswith("Ida har vært borte 4 hele dager fra 24. oktober 2026 til 23. november 2026.")
    assert "Mer enn tre hele fraværsdager" in nb and "Jevnakerskolen" in nb
    assert nn.startswith("Ida har vore borte 4 heile dagar frå 24. oktober 2026")
    assert en.startswith("Ida has been absent 4 whole days from 24 October 2026 to 23 November 2026.")
    assert explain(f, "nb").startswith("Eleven har vært borte")


def test_explain_weekday_pattern():
    events = [ev(10, 19), ev(11, 2), ev(11, 16)]
    [f] = pattern_flags("trondelag", events, "trondelag_fixed_days")
    assert explain(f, "nb").startswith("Eleven har vært borte 3 mandager")
    assert explain(f, "nn").startswith("Eleven har vore borte 3 måndagar")
    assert explain(f, "en").startswith("The pupil has been absent on 3 Mondays")


# --- Alvøen: "Fravær med tydelig mønster" (line 8), worrying below the day limits ----------------------
# Computed with the definitions the other guides' named patterns use: three distinct school days in six
# weeks, on one weekday, in one subject, or late.

def alvoen(events):
    return evaluate(events, load_guide("alvoen"), ON, CAL, SchoolLevel.BARNESKOLE)


def test_alvoen_subject_pattern_below_the_day_limits():
    two = [ev(10, 20, AbsenceKind.HOUR, "MAT"), ev(11, 5, AbsenceKind.HOUR, "MAT")]
    assert alvoen(two) == []
    found = alvoen(two + [ev(11, 24, AbsenceKind.HOUR, "MAT")])
    assert [(f.kind, f.rule_id, f.subject, f.count) for f in found] == [("pattern", "alvoen_pattern_subject", "MAT", 3)]
    assert explain(found[0], "nb").startswith("Eleven har vært borte fra MAT på 3 ulike dager")
    assert "Fravær med tydelig mønster" in explain(found[0], "nb")
    assert found[0].source.lines == (4, 8)


def test_alvoen_weekday_pattern_below_the_day_limits():
    # Mondays 19 Oct (a missed lesson), 2 Nov (left during the day) and 23 Nov (a whole day): one day in
    # any month, far from "3 dager per måned" and "10 dager per kvartal".
    events = [ev(10, 19, AbsenceKind.HOUR, "NOR"), ev(11, 2, AbsenceKind.LEFT_EARLY), ev(11, 23)]
    found = alvoen(events)
    assert [(f.rule_id, f.weekday, f.count) for f in found] == [("alvoen_pattern_weekday", 0, 3)]
    assert alvoen(events[1:]) == []


def test_alvoen_lateness_pattern():
    late = [ev(11, d, AbsenceKind.LATE) for d in (3, 12)]
    assert alvoen(late) == []
    assert [f.rule_id for f in alvoen(late + [ev(11, 25, AbsenceKind.LATE)])] == ["alvoen_pattern_late"]


def test_every_named_pattern_uses_one_of_the_two_shared_definitions():
    """docs/thresholds.md: "repeated" = 2 distinct days in 6 weeks; "often" or a named pattern = 3."""
    from naervaer.guides.loader import guide_keys

    for key in guide_keys():
        for p in load_guide(key).judgement_signs.patterns:
            assert (p.window.kind.value, p.window.length) == ("rolling_weeks", 6), p.id
            assert p.min_count in (2, 3), p.id
