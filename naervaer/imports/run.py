"""Running an import as one transaction that is rolled back when any row was bad."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from naervaer.imports.roster import ImportReport


def run_import(engine: Engine, job: Callable[[Session], ImportReport]) -> ImportReport:
    with sessionmaker(engine)() as session:
        try:
            report = job(session)
        except BaseException:
            session.rollback()
            raise
        if report.ok:
            session.commit()
        else:
            session.rollback()  # nothing from a file with a bad row is kept
        return report
