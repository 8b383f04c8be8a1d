"""'Hvilke elever har bekymringsfullt fravær nå?' — the flagged pupils the asker is responsible for,
most urgent first (the whole school for the principal and department heads)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from naervaer.access import Permission, scope_for
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.conversations.first_day_due import what_is_due
from naervaer.flags import PupilFirstDay, PupilFlags, first_day_in_scope, flags_in_scope
from naervaer.i18n import format_day, t, tn
from naervaer.replies import Button, Reply
from naervaer.rules.explain import explain

if TYPE_CHECKING:
    from naervaer.models import Person

SHOWN = 10
BUTTONS = 3


@dataclass(frozen=True)
class Overview:
    on: date
    sees_pupils: bool                # False: the viewer may see no pupil's status (not school staff)
    flagged: tuple[PupilFlags, ...]  # most urgent first
    # Apart from the worrying ones: the pupils a first-day rule of the guide is due for today (contact
    # today; the parents should have phoned), longest run first.
    first_day: tuple[PupilFirstDay, ...] = ()


def answer(session: Session, asker: Asker) -> Reply:
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return unknown_sender(asker.lang)
    return render(flagged_overview(session, viewer, asker.today), asker.lang)


def flagged_overview(session: Session, viewer: Person, on: date) -> Overview:
    """The flagged pupils among those whose status the viewer may see."""
    scope = scope_for(session, viewer, Permission.VIEW_STATUS, on)
    if not scope.pupil_ids:
        return Overview(on, sees_pupils=False, flagged=())
    return Overview(on, sees_pupils=True, flagged=tuple(flags_in_scope(session, scope, on)),
                    first_day=tuple(first_day_in_scope(session, scope, on)))


def render(overview: Overview, lang: str) -> Reply:
    if not overview.sees_pupils:
        return Reply().say(t(lang, "This overview is for school staff. There are no pupils whose status you can see."))
    flagged = overview.flagged
    if not flagged:
        return _first_day(overview, lang, Reply().say(t(lang, "No pupil of yours has worrying absence on {day}.",
                                                          day=format_day(overview.on, lang))))
    reply = Reply().say(tn(lang, "{n} pupil has worrying absence:", "{n} pupils have worrying absence, most urgent first:",
                           len(flagged)))
    lines = [f"{i}. {p.given_name} {p.family_name} ({p.class_name}): {explain(p.flags[0], lang, p.given_name)}"
             for i, p in enumerate(flagged[:SHOWN], start=1)]
    reply.say("\n".join(lines), [Button.for_intent(f"{p.given_name} {p.family_name}", "ask_pupil_status",
                                                   pupil=f"{p.given_name} {p.family_name}")
                                 for p in flagged[:BUTTONS]])
    return _first_day(overview, lang, reply)


def _first_day(overview: Overview, lang: str, reply: Reply) -> Reply:
    """The pupils to contact today by the guide's first-day rules, in a message of their own."""
    if overview.first_day:
        lines = [t(lang, "By the guide's first-day rules, today:")]
        lines += [f"{i}. {p.given_name} {p.family_name} ({p.class_name}): {what_is_due(due, lang, p.given_name)}"
                  for i, p in enumerate(overview.first_day[:SHOWN], start=1) for due in p.due]
        reply.say("\n".join(lines))
    return reply
