"""Constants and small helpers shared by the tests."""
from datetime import date

from sqlalchemy import select

from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, Person, Pupil

# A fixed Monday, so tests about "today" and school days are repeatable.
TODAY = date(2026, 11, 23)


def pupil_id(engine, given: str, family: str) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Pupil.id).join(Person, Person.id == Pupil.person_id)
                        .where(Person.given_name == given, Person.family_name == family))


def records(engine, pupil: int, **where) -> list[AbsenceRecord]:
    with session_scope(engine) as s:
        stmt = select(AbsenceRecord).where(AbsenceRecord.pupil_id == pupil)
        for key, value in where.items():
            stmt = stmt.where(getattr(AbsenceRecord, key) == value)
        return list(s.scalars(stmt))


# A first message as a parent might write it, about a sick child: the health words in it must not be read.
FIRST_MESSAGES = {
    "pl": "Dzień dobry, moje dziecko jest dziś chore",
    "lt": "Laba diena, mano vaikas šiandien serga",
    "uk": "Добрий день, моя дитина сьогодні хвора",
    "ar": "مرحبا، ابني مريض اليوم",
    "so": "Subax wanaagsan, ilmahaygu maanta waa jiran yahay",
    "ti": "ሰላም፡ ውላደይ ሎሚ ሓሚሙ እዩ",
    "ur": "السلام علیکم، میرا بیٹا آج بیمار ہے",
}
