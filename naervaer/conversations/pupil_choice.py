"""Which pupil a message means, among those the asker may act for (buttons when two names match),
with the pupil's school, guide and the viewer's grant; shared by the parents' and the staff's answers.

Compute, then word: `choose_pupil` decides (`Found`, or `NoPupil` saying why not), `render_no_pupil`
words a `NoPupil`; `find_pupil` is both, for answers that return the reply as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from naervaer.access import Grant, Permission, require
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.directory import school_of
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide
from naervaer.i18n import t
from naervaer.pupil_lookup import find_pupils
from naervaer.replies import Button, Reply

if TYPE_CHECKING:
    from naervaer.models import Person, Pupil, School

# At most this many pupils are offered as buttons.
CANDIDATE_BUTTONS = 5


@dataclass(frozen=True)
class Found:
    viewer: Person
    pupil: Pupil
    school: School
    guide: Guide
    grant: Grant  # what the viewer may do about the pupil (at least `permission`)


class Missing(Enum):
    SENDER = "sender"  # we do not know who is asking
    MATCH = "match"    # the name matches none of the pupils they may act for
    PUPILS = "pupils"  # they may act for no pupil at all
    NAME = "name"      # several pupils, and no name given
    CHOICE = "choice"  # several pupils match the name


@dataclass(frozen=True)
class NoPupil:
    missing: Missing
    name: str = ""                    # the name asked for, stripped
    candidates: tuple[str, ...] = ()  # full names of the pupils to choose between


def choose_pupil(session: Session, asker: Asker, name: str | None, permission: Permission) -> Found | NoPupil:
    """The one pupil meant, or why there is none."""
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return NoPupil(Missing.SENDER)
    lookup = find_pupils(session, viewer, permission, name, asker.today)
    if lookup.found is not None and (lookup.searched or len(lookup.pupils) == 1):
        pupil = lookup.found
        grant = require(session, viewer, permission, pupil, asker.today)
        school = school_of(pupil)
        return Found(viewer, pupil, school, load_guide(school.guide_key), grant)
    asked = name.strip() if name else ""
    if lookup.searched and not lookup.pupils:
        return NoPupil(Missing.MATCH, asked)
    if not lookup.pupils:
        return NoPupil(Missing.PUPILS, asked)
    if not lookup.searched:
        return NoPupil(Missing.NAME)
    return NoPupil(Missing.CHOICE, asked, tuple(p.person.full_name for p in lookup.pupils[:CANDIDATE_BUTTONS]))


def render_no_pupil(lang: str, no_pupil: NoPupil, intent: str) -> Reply:
    """What to say instead of an answer; a candidate's button sends `intent` again with their name."""
    match no_pupil.missing:
        case Missing.SENDER:
            return unknown_sender(lang)
        case Missing.MATCH:
            return Reply().say(t(lang, "I can't find a pupil called {name} among the pupils you can see.",
                                 name=no_pupil.name))
        case Missing.PUPILS:
            return Reply().say(t(lang, "There are no pupils you can do that for."))
        case Missing.NAME:
            return Reply().say(t(lang, "Which pupil do you mean? Write the name, for example \"hva nå med Ida?\"."))
    return Reply().say(t(lang, "Which pupil do you mean?"),
                       [Button.for_intent(full_name, intent, pupil=full_name) for full_name in no_pupil.candidates])


def find_pupil(session: Session, asker: Asker, name: str | None, permission: Permission,
               intent: str) -> Found | Reply:
    """The one pupil meant, or the reply to send instead (unknown sender, no match, buttons)."""
    choice = choose_pupil(session, asker, name, permission)
    return choice if isinstance(choice, Found) else render_no_pupil(asker.lang, choice, intent)
