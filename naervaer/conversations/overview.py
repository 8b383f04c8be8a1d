"""'Hvilke elever har bekymringsfullt fravær nå?' — the flagged pupils the asker is responsible for,
most urgent first (the whole school for the principal and department heads)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from naervaer.access import Permission, scope_for
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.flags import flags_in_scope
from naervaer.i18n import format_day, t, tn
from naervaer.replies import Button, Reply
from naervaer.rules.explain import explain

SHOWN = 10


def answer(session: Session, asker: Asker) -> Reply:
    lang = asker.lang
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return unknown_sender(lang)
    scope = scope_for(session, viewer, Permission.VIEW_STATUS, asker.today)
    if not scope.pupil_ids:
        return Reply().say(t(lang, "This overview is for school staff. There are no pupils whose status you can see."))
    flagged = flags_in_scope(session, scope, asker.today)
    if not flagged:
        return Reply().say(t(lang, "No pupil of yours has worrying absence on {day}.", day=format_day(asker.today, lang)))
    reply = Reply().say(tn(lang, "{n} pupil has worrying absence:", "{n} pupils have worrying absence, most urgent first:",
                           len(flagged)))
    lines = [f"{i}. {p.given_name} {p.family_name} ({p.class_name}): {explain(p.flags[0], lang, p.given_name)}"
             for i, p in enumerate(flagged[:SHOWN], start=1)]
    reply.say("\n".join(lines), [Button(f"{p.given_name} {p.family_name}",
                                        f'/ask_pupil_status{{"pupil":"{p.given_name} {p.family_name}"}}')
                                 for p in flagged[:3]])
    return reply
