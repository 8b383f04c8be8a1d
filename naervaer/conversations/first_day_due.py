"""The words for a first-day rule that is due (``naervaer.rules.streaks.FirstDayDue``): "contact today"
and "the parents should have phoned", with the guide's own rule. Used by the status answer and the
overview of flagged pupils, where they stand apart from the worrying absence."""
from __future__ import annotations

from collections.abc import Iterable

from naervaer.guides.loader import load_guide
from naervaer.i18n import t, tn
from naervaer.rules.streaks import FirstDayDue


def rule_words(due: FirstDayDue, lang: str) -> str:
    """The guide's rule with its source: 'The absence officer contacts ... (Veileder ..., "section")'."""
    if due.rule is None:
        return ""
    return t(lang, "{rule} ({guide}, \"{section}\")", rule=due.rule.text.get(lang),
             guide=load_guide(due.guide_key).title, section=due.rule.source.section)


def what_is_due(due: FirstDayDue, lang: str, first_name: str) -> str:
    """One line: what the run of days is, and what the guide asks now."""
    days = tn(lang, "{n} school day in a row", "{n} school days in a row", due.streak.length)
    if due.kind == "contact_today":
        what = t(lang, "Contact today: {name} is away with no word from home ({days}).", name=first_name, days=days)
    else:
        what = t(lang, "{name} has been away {days}, more than {n}, and no phone call with the home is logged.",
                 name=first_name, days=days, n=due.rule.days if due.rule else 0)
    words = rule_words(due, lang)
    return f"{what} {words}" if words else what


def first_day_lines(dues: Iterable[FirstDayDue], lang: str, first_name: str) -> list[str]:
    return [f"• {what_is_due(due, lang, first_name)}" for due in dues]
