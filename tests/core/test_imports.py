"""Imports from the school systems: the README's example fills the store; bad files change nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.imports.absence import import_absence
from naervaer.imports.roster import import_roster
from naervaer.imports.run import run_import
from naervaer.models import AbsenceRecord, Base, Guardianship, Person, Pupil
from naervaer.db import session_scope

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
ROSTER = [EXAMPLES / f"{name}.csv" for name in ("staff", "guardians", "pupils", "classes", "subjects", "schools")]


def counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def roster(engine, files=ROSTER, lang="nb"):
    return run_import(engine, lambda s: import_roster(s, files, lang))


def absence(engine, path=EXAMPLES / "absence-visma.csv", lang="nb"):
    return run_import(engine, lambda s: import_absence(s, path, lang, "visma"))


def test_example_files_fill_the_store_in_any_order(engine):
    report = roster(engine)
    assert report.ok, [p.render("en") for p in report.problems]
    assert report.created == 22
    report = absence(engine)
    assert report.ok and report.created == 8
    with session_scope(engine) as session:
        ida = session.scalars(select(Pupil).join(Person, Person.id == Pupil.person_id)
                              .where(Person.external_id == "E1001")).one()
        records = session.scalars(select(AbsenceRecord).where(AbsenceRecord.pupil_id == ida.id)
                                  .order_by(AbsenceRecord.on)).all()
        assert [r.kind for r in records] == [AbsenceKind.DAY] * 4 + [AbsenceKind.HOUR, AbsenceKind.LATE]
        assert records[3].reason == ReasonCategory.MEDICAL_APPOINTMENT and records[3].documented
        father = session.scalars(select(Guardianship).join(Person, Person.id == Guardianship.guardian_id)
                                 .where(Person.external_id == "F5002")).one()
        assert father.parental_responsibility is False


def test_windows_1252_semicolon_file_keeps_norwegian_letters(engine):
    assert (EXAMPLES / "absence-visma.csv").read_bytes().count(b"\xe5") >= 1  # "gått" in Windows-1252
    assert roster(engine).ok and absence(engine).ok
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AbsenceRecord)
                              .where(AbsenceRecord.kind == AbsenceKind.LEFT_EARLY)) == 1


def test_importing_twice_changes_nothing(engine):
    roster(engine), absence(engine)
    before = counts(engine)
    again = roster(engine)
    assert again.ok and again.created == 0 and again.updated == 0 and again.unchanged == 22
    assert absence(engine).unchanged == 8
    assert counts(engine) == before


def test_a_changed_row_updates_in_place(engine, tmp_path):
    roster(engine)
    changed = tmp_path / "guardians.csv"
    changed.write_text((EXAMPLES / "guardians.csv").read_text().replace("F5002,Tore,Solheim,413 34 567,,E1001,nei",
                                                                          "F5002,Tore,Solheim,413 34 567,,E1001,ja"))
    report = roster(engine, [changed])
    assert report.ok and report.updated == 1 and report.unchanged == 4


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("content", "expected"), [
    ("pupil_id;date;kind\nE1001;31.11.2026;dag\n", 'line 3: "31.11.2026" is not a date'),
    ("pupil_id;date;kind\nE9999;02.11.2026;dag\n", "line 3: unknown pupil E9999"),
    ("pupil_id;date;kind;reason\nE1001;02.11.2026;dag;angst og magesmerter\n", "line 3: the reason must be one of the categories"),
    ("pupil_id;date;kind\nE1001;02.11.2026;ferie\n", 'line 3: "ferie" is not a kind of absence'),
    ("pupil_id;date;kind;subject\nE1001;02.11.2026;time;MAT\n", "line 3: the column lesson is empty"),
    ("elev;dato;type\nE1001;02.11.2026;dag\n", "the header row lacks pupil_id, date, kind"),
])
def test_bad_absence_rows_are_reported_and_nothing_is_stored(engine, tmp_path, content, expected):
    roster(engine)
    good_then_bad = content.replace("\n", "\nE1002;03.11.2026;dag\n", 1) if content.startswith("pupil_id") else content
    before = counts(engine)
    report = absence(engine, write(tmp_path, "bad.csv", good_then_bad), lang="en")
    assert not report.ok
    assert any(expected in p.render("en") for p in report.problems), [p.render("en") for p in report.problems]
    assert counts(engine) == before


def test_every_bad_row_is_reported_with_its_line(engine, tmp_path):
    roster(engine)
    path = write(tmp_path, "bad.csv", "pupil_id,date,kind\nE1001,2026-11-02,dag\nE1001,2026-13-02,dag\n"
                                      "E1001,2026-11-04,dag\nX,2026-11-05,dag\n")
    report = absence(engine, path, lang="en")
    assert [p.line for p in report.problems] == [3, 5]


def test_unknown_class_in_the_roster_imports_nothing(engine, tmp_path):
    pupils = write(tmp_path, "pupils.csv", (EXAMPLES / "pupils.csv").read_text().replace("E2001,Sander,Fjell,2014-06-21,alvoen,7A",
                                                                                            "E2001,Sander,Fjell,2014-06-21,alvoen,7Z"))
    files = [pupils if f.name == "pupils.csv" else f for f in ROSTER]
    report = roster(engine, files, lang="en")
    assert [p.render("en") for p in report.problems] == ["pupils.csv, line 5: unknown class 7Z at school alvoen",
                                                         "guardians.csv, line 6: unknown pupil E2001"]
    assert all(n == 0 for n in counts(engine).values())


def test_wrong_header_names_the_file_and_what_is_expected(engine, tmp_path):
    files = [write(tmp_path, "elever.csv", "elevnr,fornavn\n1,Ida\n")]
    report = roster(engine, files, lang="en")
    message = report.problems[0].render("en")
    assert message.startswith("elever.csv: the header row (elevnr, fornavn) does not match any roster file")
    assert "pupils: pupil_id, given_name" in message


def test_utf16_file_is_refused_with_a_hint(engine, tmp_path):
    roster(engine)
    path = write(tmp_path, "utf16.csv", "pupil_id;date;kind\nE1001;02.11.2026;dag\n", encoding="utf-16")
    report = absence(engine, path, lang="nb")
    assert "utf16.csv" in report.problems[0].render("nb") and "CSV UTF-8" in report.problems[0].render("nb")


def test_double_encoded_letters_are_refused(engine, tmp_path):
    text = (EXAMPLES / "guardians.csv").read_text().replace("Solheim", "SÃ¸lheim")
    report = roster(engine, [*ROSTER[:2], write(tmp_path, "guardians.csv", text)][1:], lang="en")
    assert any("garbled" in p.render("en") for p in report.problems)


def test_no_table_has_a_column_for_free_text_reasons():
    """Privacy by construction: only category columns describe why a pupil was away."""
    suspicious = [(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns
                  if any(w in c.name for w in ("reason", "note", "comment", "description", "text", "message", "health"))]
    assert suspicious == [("absence_records", "reason")]
    reason = Base.metadata.tables["absence_records"].c.reason
    assert set(reason.type.enums) == {r.value for r in ReasonCategory}

