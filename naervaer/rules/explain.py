"""Plain explanations of a flag in Bokmål, Nynorsk and English.

The sentence templates are English msgids in the small dict below, translated through
the gettext catalogs like every other text; the rule text itself comes from the guide data.
Dates and numbers are formatted by Babel for the language.
"""
from __future__ import annotations

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal

from naervaer.guides.loader import load_guide
from naervaer.i18n import N_, t
from naervaer.languages import LANGUAGES, language
from naervaer.guides.schema import Guide, PatternKind, Unit
from naervaer.rules.engine import Flag

_T: dict[str, str] = {  # English msgids; Bokmål and Nynorsk are in the gettext catalogs
    'pupil': N_('The pupil'),
    'days': N_('{who} has been absent {n} whole days'),
    'day': N_('{who} has been absent {n} whole day'),
    'hours': N_('{who} has missed {n} lessons'),
    'hours_subject': N_('{who} has missed {n} lessons of {subject}'),
    'occasions': N_('{who} has been away {n} times'),
    'percent': N_('{who} has been absent on {n} of {total} school days ({pct}%)'),
    'same_weekday': N_('{who} has been absent on {n} {weekday}s'),
    'same_subject': N_('{who} has missed {subject} on {n} different days'),
    'late': N_('{who} has come late on {n} days'),
    'left_early': N_('{who} has left school during the day on {n} days'),
    'period': N_(' from {start} to {end}'),
    'rule': N_('. "{title}" ({section}): {rule}'),
}


def _say(lang: str, key: str, **values: object) -> str:
    return t(lang, _T[key], **values)


def _num(x: float, lang: str) -> str:
    return format_decimal(x, format="#,##0.#", locale=lang)


def explain(flag: Flag, lang: str = "nb", first_name: str | None = None, guide: Guide | None = None) -> str:
    """A short explanation of why ``flag`` was raised, in ``lang`` (nb, nn or en)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {LANGUAGES}")
    guide = guide or load_guide(flag.guide_key)
    who = first_name or _say(lang, "pupil")
    n = _num(flag.count, lang)
    if flag.kind == "pattern":
        kind = flag.rule.kind  # type: ignore[union-attr]
        weekday = get_day_names("wide", locale=lang)[flag.weekday] if flag.weekday is not None else ""
        if lang == "en":
            weekday = weekday.capitalize()
        key = {PatternKind.SAME_WEEKDAY: "same_weekday", PatternKind.SAME_SUBJECT: "same_subject",
               PatternKind.LATE: "late", PatternKind.LEFT_EARLY: "left_early"}[kind]
        what = _say(lang, key, who=who, n=n, weekday=weekday, subject=flag.subject)
    elif flag.unit is Unit.PERCENT_OF_SCHOOL_DAYS:
        what = _say(lang, "percent", who=who, n=n, total=flag.school_days, pct=_num(flag.percent or 0, lang))
    elif flag.unit is Unit.HOURS:
        key = "hours_subject" if flag.subject else "hours"
        what = _say(lang, key, who=who, n=n, subject=flag.subject)
    elif flag.unit is Unit.OCCASIONS:
        what = _say(lang, "occasions", who=who, n=n)
    else:
        what = _say(lang, "day" if flag.count == 1 else "days", who=who, n=n)
    day = f"{language(lang).day} y"
    period = _say(lang, "period", start=format_date(flag.window_start, day, locale=lang),
                                       end=format_date(flag.window_end, day, locale=lang))
    rule = _say(lang, "rule", title=guide.title, section=flag.source.section, rule=flag.rule.text.get(lang))
    return what + period + rule
