"""Which pupil a message means, among those the asker may act for (buttons when two names match),
with the pupil's school, guide and the viewer's grant; shared by the parents' and the staff's answers."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from naervaer.access import Grant, Permission, require
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.directory import school_of
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide
from naervaer.i18n import t
from naervaer.models import Person, Pupil, School
from naervaer.pupil_lookup import find_pupils
from naervaer.replies import Button, Reply


@dataclass(frozen=True)
class Found:
    viewer: Person
    pupil: Pupil
    school: School
    guide: Guide
    grant: Grant  # what the viewer may do about the pupil (at least `permission`)


def find_pupil(session: Session, asker: Asker, name: str | None, permission: Permission,
               intent: str) -> Found | Reply:
    """The one pupil meant, or the reply to send instead (unknown sender, no match, buttons)."""
    lang = asker.lang
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return unknown_sender(lang)
    lookup = find_pupils(session, viewer, permission, name, asker.today)
    if lookup.found is not None and (lookup.searched or len(lookup.pupils) == 1):
        pupil = lookup.found
        grant = require(session, viewer, permission, pupil, asker.today)
        school = school_of(pupil)
        return Found(viewer, pupil, school, load_guide(school.guide_key), grant)
    if lookup.searched and not lookup.pupils:
        return Reply().say(t(lang, "I can't find a pupil called {name} among the pupils you can see.",
                             name=name.strip()))
    if not lookup.pupils:
        return Reply().say(t(lang, "There are no pupils you can do that for."))
    if not lookup.searched:
        return Reply().say(t(lang, "Which pupil do you mean? Write the name, for example \"hva nå med Ida?\"."))
    return Reply().say(t(lang, "Which pupil do you mean?"),
                       [Button.for_intent(p.person.full_name, intent, pupil=p.person.full_name)
                        for p in lookup.pupils[:5]])
