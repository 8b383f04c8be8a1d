"""The same report twice, even at the same moment, is stored once."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.absence_store import NewAbsence, record_absence
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, Channel, Person, Pupil
from tests.helpers import TODAY


def ida_id(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Pupil.id).join(Person, Person.id == Pupil.person_id)
                        .where(Person.given_name == "Ida", Person.family_name == "Hansen"))


def report(pupil_id: int) -> NewAbsence:
    return NewAbsence(pupil_id=pupil_id, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.CHAT,
                      announced_by_home=True, reason=ReasonCategory.SICK)


def test_the_same_report_twice_is_one_record(demo_engine):
    pupil = ida_id(demo_engine)
    with session_scope(demo_engine) as s:
        first, created_first = record_absence(s, report(pupil))
    with session_scope(demo_engine) as s:
        second, created_second = record_absence(s, report(pupil))
    assert created_first and not created_second and first.id == second.id


def test_concurrent_reports_for_the_same_pupil_and_day_leave_one_record(demo_engine):
    pupil = ida_id(demo_engine)
    writers = 8
    barrier = threading.Barrier(writers)
    created: list[bool] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            with session_scope(demo_engine) as s:
                created.append(record_absence(s, report(pupil))[1])
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created) == [False] * (writers - 1) + [True]
    with session_scope(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(AbsenceRecord).where(
            AbsenceRecord.pupil_id == pupil, AbsenceRecord.on == TODAY)) == 1
