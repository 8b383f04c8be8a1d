"""Reading the CSV files Norwegian spreadsheets and school systems export: UTF-8 (with or without BOM)
or Windows-1252, comma- or semicolon-separated, with a header row."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from naervaer.i18n import t


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header). Already translated."""


@dataclass(frozen=True)
class Row:
    line: int               # line number in the file, header = 1
    values: dict[str, str]  # header -> stripped cell


@dataclass(frozen=True)
class CsvFile:
    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    rows: list[Row]


def decode(data: bytes, path: Path, lang: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise FileProblem(t(lang, "{file}: this is not a text file in UTF-8 or Windows-1252 (it may be UTF-16 or a "
                                  "spreadsheet). Save it as \"CSV UTF-8\" and try again.", file=path.name))
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            encoding = "windows-1252"
        except UnicodeDecodeError as err:
            raise FileProblem(t(lang, "{file}: byte {pos} is neither UTF-8 nor Windows-1252. Save the file as "
                                      "\"CSV UTF-8\" and try again.", file=path.name, pos=err.start + 1)) from err
    if "Ã" in text and any(m in text for m in ("Ã¦", "Ã¸", "Ã¥", "Ã˜", "Ã…", "Ã†")):
        raise FileProblem(t(lang, "{file}: the letters æ, ø and å look garbled (the file was converted to UTF-8 twice). "
                                  "Export it again from the school system.", file=path.name))
    return text, encoding


def read_csv(path: Path, lang: str = "nb") -> CsvFile:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FileProblem(t(lang, "{file}: the file cannot be read ({reason}).", file=path.name,
                            reason=err.strerror or str(err))) from err
    text, encoding = decode(data, path, lang)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FileProblem(t(lang, "{file}: the file is empty; the first line must be the header row.", file=path.name))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        header = tuple(h.strip().lower() for h in next(reader, []))
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            # reader.line_num is the physical line where this record ended; quoted newlines are rare here.
            cells = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
            if len(values) > len(header):
                cells["__extra__"] = ";".join(values[len(header):])
            rows.append(Row(line=reader.line_num, values=cells))
    except csv.Error as err:  # a cell beyond the reader's field limit (128 KiB), e.g. from an unclosed quote
        raise FileProblem(t(lang, "{file}, line {line}: the line cannot be read as CSV (a cell is far too long, "
                                  "or a quotation mark is not closed).", file=path.name, line=reader.line_num)) from err
    return CsvFile(path=path, encoding=encoding, delimiter=delimiter, header=header, rows=rows)
