"""'Hvor mye fravær har Ida?' — the count of a pupil's absence, for those allowed to see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from naervaer.absence_summary import AbsenceSummary, summarise
from naervaer.access import Permission, audit_read
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Found, find_pupil
from naervaer.i18n import format_day, format_number, t, tn
from naervaer.replies import Reply


@dataclass(frozen=True)
class AbsenceCount:
    first_name: str
    summary: AbsenceSummary
    subjects_only: bool  # a subject teacher: hours in their own subjects, nothing else


def answer(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    found = find_pupil(session, asker, pupil_name, Permission.VIEW_ABSENCE, "ask_absence")
    if isinstance(found, Reply):
        return found
    return render(absence_count(session, found, asker.today), asker.lang)


def absence_count(session: Session, found: Found, on: date) -> AbsenceCount:
    """The pupil's absence this school year, as much of it as the grant may see; the reading is audited."""
    summary = summarise(session, found.grant, on)
    audit_read(session, found.grant, "absence_summary")
    return AbsenceCount(found.pupil.person.given_name, summary, found.grant.hour_subjects is not None)


def render(count: AbsenceCount, lang: str) -> Reply:
    summary, name = count.summary, count.first_name
    since = format_day(summary.since, lang, with_weekday=False)
    if count.subjects_only:
        return Reply().say(t(lang, "Since {since}, {name} has been absent {hours} in your subjects.",
                             since=since, name=name, hours=_hours(lang, summary.hours)))
    parts = []
    if summary.days:
        parts.append(tn(lang, "{n} whole day", "{n} whole days", summary.days))
    if summary.hours:
        parts.append(_hours(lang, summary.hours))
    if summary.late:
        parts.append(tn(lang, "late {n} time", "late {n} times", summary.late))
    if summary.left_early:
        parts.append(tn(lang, "left early {n} time", "left early {n} times", summary.left_early))
    if not parts:
        return Reply().say(t(lang, "{name} has no registered absence since {since}.", name=name, since=since))
    return Reply().say(t(lang, "Since {since}, {name} has been absent {parts}.",
                         since=since, name=name, parts=_join(lang, parts)))


def _hours(lang: str, hours: float) -> str:
    if float(hours).is_integer():
        return tn(lang, "{n} lesson", "{n} lessons", int(hours))
    return t(lang, "{n} lessons", n=format_number(round(hours, 1), lang))


def _join(lang: str, parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + t(lang, " and ") + parts[-1]
