"""Finding the pupil a person means ("Ida", "ida h", "eirk") among the pupils they may act for."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from naervaer.access import Permission, visible_pupils
from naervaer.models import Person, Pupil

# Close spellings ("eirk" for Eirik) match; unrelated names do not.
MATCH_THRESHOLD = 80


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class Lookup:
    pupils: list[Pupil]          # best matches first; one means "found"
    searched: bool               # a name was given

    @property
    def found(self) -> Pupil | None:
        return self.pupils[0] if len(self.pupils) == 1 else None


def find_pupils(session: Session, viewer: Person | None, permission: Permission, name: str | None,
                on: date) -> Lookup:
    allowed = visible_pupils(session, viewer, permission, on)
    if not name or not name.strip():
        return Lookup(pupils=allowed, searched=False)
    wanted = _fold(name)
    scored = []
    for pupil in allowed:
        given, family = _fold(pupil.person.given_name), _fold(pupil.person.family_name)
        score = max(fuzz.ratio(wanted, given), fuzz.ratio(wanted, f"{given} {family}"),
                    fuzz.partial_ratio(wanted, f"{given} {family}") if len(wanted) > 3 else 0)
        if score >= MATCH_THRESHOLD:
            scored.append((score, pupil))
    scored.sort(key=lambda item: -item[0])
    if scored and len(scored) > 1 and scored[0][0] == 100 and scored[1][0] < 100:
        return Lookup(pupils=[scored[0][1]], searched=True)  # an exact name beats near misses
    return Lookup(pupils=[p for _, p in scored], searched=True)
