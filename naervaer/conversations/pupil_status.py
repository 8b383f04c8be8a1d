"""'Hva nå med Ida?' — a pupil's status against the school's guide, for staff allowed to see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from naervaer import absence_store
from naervaer.access import Grant, Permission, audit_read
from naervaer.case_status import PupilStatus, pupil_status
from naervaer.conversations.context import Asker
from naervaer.conversations.first_day_due import first_day_lines
from naervaer.conversations.pupil_choice import find_pupil
from naervaer.i18n import N_, format_day, language_name, t, tn
from naervaer.charts import HISTORY, ChartRequest
from naervaer.flags import pupil_events
from naervaer.guides.schema import Step
from naervaer.replies import Message, Reply
from naervaer.school_calendars import calendar_for
from naervaer.settings import load_settings
from naervaer.rules.explain import explain

ROLES = {
    "contact_teacher": N_("contact teacher"), "subject_teacher": N_("subject teacher"),
    "department_head": N_("department head"), "principal": N_("principal"),
    "school_management": N_("school management"), "resource_team": N_("resource team"),
    "interdisciplinary_team": N_("interdisciplinary team"), "absence_officer": N_("absence officer"),
    "counsellor": N_("school counsellor"), "kindergarten_leader": N_("kindergarten leader"),
    "home": N_("the home"), "pupil": N_("the pupil"), "school_health_service": N_("school health service"),
    "ppt": N_("PPT (educational-psychological service)"), "team_around_pupil": N_("the team around the pupil"),
    "school": N_("the school"), "concern_owner": N_("whoever holds the concern"),
    "closest_adult": N_("the adult who knows the pupil best"), "doctor": N_("doctor or specialist"),
}


NORWEGIAN = ("nb", "nn")


def role_names(roles: tuple[str, ...] | list[str], lang: str) -> str:
    names = [t(lang, ROLES[r]) if r in ROLES else r for r in roles]
    return ", ".join(names)


def _due(due: date | tuple[date, date] | None, lang: str, step: Step | None = None) -> str:
    """The deadline as a date (or a window), with the guide's own words for it when the data has them;
    a step whose deadline counts from a step not logged yet says the guide's words, not "no deadline"."""
    says = step.due.says.get(lang) if step is not None and step.due is not None and step.due.says else None
    if due is None:
        if step is not None and step.due is not None:
            words = says or tn(lang, "{n} day after the step before", "{n} days after the step before", step.due.days)
            return t(lang, "{words}, counted from a step not logged yet", words=words)
        return t(lang, "no deadline in the guide")
    if isinstance(due, tuple):
        when = t(lang, "between {first} and {last}", first=format_day(due[0], lang), last=format_day(due[1], lang))
    else:
        when = format_day(due, lang)
    return t(lang, "{when} (the guide: {words})", when=when, words=says) if says else when


def home_language_line(home_language: str | None, lang: str) -> list[str]:
    """Which language the home writes in, when it is not Norwegian, so the school can book an interpreter."""
    if home_language is None or home_language in NORWEGIAN:
        return []
    return [t(lang, "The home reported absence in {language} last time: book an interpreter for talks with the "
                    "home if needed.", language=language_name(home_language, lang))]


def render(status: PupilStatus, lang: str, home_language: str | None = None) -> str:
    pupil = status.pupil.person
    title = status.guide.title
    lines = []
    # Contact today, and the home's language, said apart from the thresholds.
    first_day = first_day_lines(status.first_day, lang, pupil.given_name) + home_language_line(home_language, lang)
    if not status.flags and status.next is None:
        return "\n".join([t(lang, "{name} has no worrying absence by \"{guide}\" as of {day}.", name=pupil.full_name,
                             guide=title, day=format_day(status.on, lang)), *first_day])
    if status.flags:
        lines.append(t(lang, "{name}: worrying absence by \"{guide}\":", name=pupil.full_name, guide=title))
        lines += [f"• {explain(flag, lang, pupil.given_name, status.guide)}" for flag in status.flags]
    else:
        lines.append(t(lang, "{name}: no threshold crossed now, but a follow-up case is open.", name=pupil.full_name))
    lines += first_day
    if status.flagged_since:
        lines.append(t(lang, "Worrying since {day}.", day=format_day(status.flagged_since, lang)))
    lines.append(t(lang, "Logged: {contacts} and {meetings}.",
                   contacts=tn(lang, "{n} contact with the home", "{n} contacts with the home", len(status.contacts)),
                   meetings=tn(lang, "{n} meeting", "{n} meetings", len(status.meetings))))
    step = status.next
    if step is not None and step.step is not None:
        lines.append(t(lang, "Next step ({stage}): {text} Responsible: {who}. Due: {due}.",
                       stage=step.stage.title.get(lang), text=step.step.text.get(lang),
                       who=role_names(step.responsible, lang), due=_due(step.due, lang, step.step)))
        for overdue, when in step.overdue:
            lines.append(t(lang, "Overdue since {day}: {text}", day=format_day(when, lang), text=overdue.text.get(lang)))
    elif step is not None:
        lines.append(t(lang, "Every step of the guide's follow-up path is done."))
    return "\n".join(lines)


@dataclass(frozen=True)
class StatusAnswer:
    """The status reply, and the chart to go with it: drawing is slow, so it is left until the
    store's transaction is over (`full_reply`), and nobody else waits for the store meanwhile."""

    reply: Reply
    chart: ChartRequest | None = None

    @property
    def text(self) -> str:
        return self.reply.text

    def full_reply(self) -> Reply:
        """The reply with the chart drawn (or found drawn) and attached; call it outside the session."""
        if self.chart is None:
            return self.reply
        chart = Message(image=str(self.chart.draw()), image_alt=self.chart.alt_text())
        return Reply(messages=[*self.reply.messages, chart],
                     slots=dict(self.reply.slots))


def answer(session: Session, asker: Asker, pupil_name: str | None) -> StatusAnswer:
    found = find_pupil(session, asker, pupil_name, Permission.VIEW_STATUS, "ask_pupil_status")
    if isinstance(found, Reply):
        return StatusAnswer(found)
    pupil = found.pupil
    status = pupil_status(session, found.grant, asker.today)
    audit_read(session, found.grant, "pupil_status")
    home = absence_store.home_language(session, found.grant)
    reply = Reply(slots={"pupil": pupil.person.full_name}).say(render(status, asker.lang, home))
    return StatusAnswer(reply, chart_request(session, found.grant, status, asker.lang))


def chart_request(session: Session, grant: Grant, status: PupilStatus, lang: str) -> ChartRequest:
    """All the 15-week chart of the pupil's absence needs, read from the store (the drawing comes later)."""
    events = pupil_events(session, grant, status.on - HISTORY, status.on)
    return ChartRequest(events=tuple(events), guide=status.guide, level=status.pupil.class_group.level,
                        calendar=calendar_for(status.school.code, status.on), on=status.on,
                        first_name=status.pupil.person.given_name, lang=lang,
                        directory=load_settings().var_dir / "charts")
