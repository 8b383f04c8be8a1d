"""Plain explanations of a flag in Bokmål, Nynorsk and English.

The sentence templates live in the small dict below (three languages side by side,
so a change to one is seen next to the others); the rule text itself comes from the
guide data. Dates and numbers are formatted by Babel for the language.
"""
from __future__ import annotations

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal

from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide, PatternKind, Unit
from naervaer.rules.engine import Flag

LANGS = ("nb", "nn", "en")

_T: dict[str, dict[str, str]] = {
    "pupil": {"nb": "Eleven", "nn": "Eleven", "en": "The pupil"},
    "days": {"nb": "{who} har vært borte {n} hele dager", "nn": "{who} har vore borte {n} heile dagar",
             "en": "{who} has been absent {n} whole days"},
    "day": {"nb": "{who} har vært borte {n} hel dag", "nn": "{who} har vore borte {n} heil dag",
            "en": "{who} has been absent {n} whole day"},
    "hours": {"nb": "{who} har vært borte {n} timer", "nn": "{who} har vore borte {n} timar",
              "en": "{who} has missed {n} lessons"},
    "hours_subject": {"nb": "{who} har vært borte {n} timer i faget {subject}",
                      "nn": "{who} har vore borte {n} timar i faget {subject}",
                      "en": "{who} has missed {n} lessons of {subject}"},
    "occasions": {"nb": "{who} har vært borte {n} ganger", "nn": "{who} har vore borte {n} gonger",
                  "en": "{who} has been away {n} times"},
    "percent": {"nb": "{who} har vært borte {n} av {total} skoledager ({pct} %)",
                "nn": "{who} har vore borte {n} av {total} skuledagar ({pct} %)",
                "en": "{who} has been absent on {n} of {total} school days ({pct}%)"},
    "same_weekday": {"nb": "{who} har vært borte {n} {weekday}er", "nn": "{who} har vore borte {n} {weekday}ar",
                     "en": "{who} has been absent on {n} {weekday}s"},
    "same_subject": {"nb": "{who} har vært borte fra {subject} på {n} ulike dager",
                     "nn": "{who} har vore borte frå {subject} på {n} ulike dagar",
                     "en": "{who} has missed {subject} on {n} different days"},
    "late": {"nb": "{who} har kommet for sent {n} dager", "nn": "{who} har kome for seint {n} dagar",
             "en": "{who} has come late on {n} days"},
    "left_early": {"nb": "{who} har gått fra skolen i løpet av dagen {n} dager",
                   "nn": "{who} har gått frå skulen i løpet av dagen {n} dagar",
                   "en": "{who} has left school during the day on {n} days"},
    "period": {"nb": " fra {start} til {end}", "nn": " frå {start} til {end}", "en": " from {start} to {end}"},
    "rule": {"nb": ". «{title}» ({section}): {rule}", "nn": ". «{title}» ({section}): {rule}",
             "en": '. "{title}" ({section}): {rule}'},
}

_DATE_FORMAT = {"nb": "d. MMMM y", "nn": "d. MMMM y", "en": "d MMMM y"}


def _num(x: float, lang: str) -> str:
    return format_decimal(x, format="#,##0.#", locale=lang)


def explain(flag: Flag, lang: str = "nb", first_name: str | None = None, guide: Guide | None = None) -> str:
    """A short explanation of why ``flag`` was raised, in ``lang`` (nb, nn or en)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use one of {LANGS}")
    guide = guide or load_guide(flag.guide_key)
    who = first_name or _T["pupil"][lang]
    n = _num(flag.count, lang)
    if flag.kind == "pattern":
        kind = flag.rule.kind  # type: ignore[union-attr]
        weekday = get_day_names("wide", locale=lang)[flag.weekday] if flag.weekday is not None else ""
        if lang == "en":
            weekday = weekday.capitalize()
        key = {PatternKind.SAME_WEEKDAY: "same_weekday", PatternKind.SAME_SUBJECT: "same_subject",
               PatternKind.LATE: "late", PatternKind.LEFT_EARLY: "left_early"}[kind]
        what = _T[key][lang].format(who=who, n=n, weekday=weekday, subject=flag.subject)
    elif flag.unit is Unit.PERCENT_OF_SCHOOL_DAYS:
        what = _T["percent"][lang].format(who=who, n=n, total=flag.school_days, pct=_num(flag.percent or 0, lang))
    elif flag.unit is Unit.HOURS:
        key = "hours_subject" if flag.subject else "hours"
        what = _T[key][lang].format(who=who, n=n, subject=flag.subject)
    elif flag.unit is Unit.OCCASIONS:
        what = _T["occasions"][lang].format(who=who, n=n)
    else:
        what = _T["day" if flag.count == 1 else "days"][lang].format(who=who, n=n)
    period = _T["period"][lang].format(start=format_date(flag.window_start, _DATE_FORMAT[lang], locale=lang),
                                       end=format_date(flag.window_end, _DATE_FORMAT[lang], locale=lang))
    rule = _T["rule"][lang].format(title=guide.title, section=flag.source.section, rule=flag.rule.text.get(lang))
    return what + period + rule
