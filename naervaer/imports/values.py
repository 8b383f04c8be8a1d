"""Parsing one cell: dates, yes/no, categories. Each parser raises CellError with a translated reason."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.models import GuardianRelation
from naervaer.i18n import t


class CellError(ValueError):
    pass


# Characters never echoed as they are: terminal escapes, NUL, bidi overrides, line separators.
_UNSHOWN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def shown(value: object, limit: int = 40) -> str:
    """A cell as it may be echoed in a message: unprintable characters escaped, long values cut."""
    text = "".join(c if unicodedata.category(c) not in _UNSHOWN else
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


# The longest value each column may hold (the store's column lengths, docs/store.md).
LIMITS = {
    "pupil_id": 64, "guardian_id": 64, "staff_id": 64, "given_name": 100, "family_name": 100, "phone": 32,
    "email": 200, "school_code": 64, "name": 200, "municipality": 100, "guide": 32, "class": 32,
    "subject_code": 32, "subject": 32, "subject_name": 100, "role": 32, "lesson": 31,
}
# Columns that are parsed (dates, kinds, yes/no ...): checked for control characters and formulas only.
PARSED = ("date", "kind", "hours", "documented", "announced_by_home", "reason", "year", "birth_date",
          "parental_responsibility", "confidential_address", "relation")


def check_cells(values: dict[str, str], lang: str) -> None:
    """Refuse a row whose known columns hold control characters (NUL, escapes), a spreadsheet formula or
    more than the column can store. Columns the imports do not read are left alone."""
    for column, value in values.items():
        if column not in LIMITS and column not in PARSED:
            continue
        if any(unicodedata.category(c) == "Cc" for c in value):
            raise CellError(t(lang, "the column {column} contains control characters", column=column))
        if value.startswith("="):
            raise CellError(t(lang, "the column {column} holds a spreadsheet formula ({value}); only plain values "
                                    "are taken in", column=column, value=shown(value)))
        limit = LIMITS.get(column)
        if limit is not None and len(value) > limit:
            raise CellError(too_long(column, limit, lang))


def too_long(column: str, limit: int, lang: str) -> str:
    return t(lang, "the column {column} is longer than {max} characters", column=column, max=limit)


TRUE = {"ja", "j", "yes", "y", "true", "1", "x"}
FALSE = {"nei", "n", "no", "false", "0", ""}

# Norwegian words the school systems use, mapped to our categories. Anything else is refused: a
# reason must be a category, never free text (it could hold health details).
REASONS = {
    "sick": ReasonCategory.SICK, "syk": ReasonCategory.SICK, "sjuk": ReasonCategory.SICK,
    "sykdom": ReasonCategory.SICK, "sjukdom": ReasonCategory.SICK,
    "medical_appointment": ReasonCategory.MEDICAL_APPOINTMENT, "legetime": ReasonCategory.MEDICAL_APPOINTMENT,
    "lege": ReasonCategory.MEDICAL_APPOINTMENT, "tannlege": ReasonCategory.MEDICAL_APPOINTMENT,
    "helsetime": ReasonCategory.MEDICAL_APPOINTMENT,
    "leave": ReasonCategory.LEAVE, "permisjon": ReasonCategory.LEAVE,
    "other": ReasonCategory.OTHER, "annet": ReasonCategory.OTHER, "anna": ReasonCategory.OTHER,
}

KINDS = {
    "day": AbsenceKind.DAY, "dag": AbsenceKind.DAY, "dagsfravær": AbsenceKind.DAY, "heldag": AbsenceKind.DAY,
    "hour": AbsenceKind.HOUR, "time": AbsenceKind.HOUR, "timefravær": AbsenceKind.HOUR, "fag": AbsenceKind.HOUR,
    "late": AbsenceKind.LATE, "sent": AbsenceKind.LATE, "forsentkomming": AbsenceKind.LATE,
    "left_early": AbsenceKind.LEFT_EARLY, "gikk": AbsenceKind.LEFT_EARLY, "gått": AbsenceKind.LEFT_EARLY,
    "forlot": AbsenceKind.LEFT_EARLY,
}


def parse_date(value: str, lang: str) -> date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise CellError(t(lang, "\"{value}\" is not a date (write 2026-11-23 or 23.11.2026)", value=shown(value)))


def parse_bool(value: str, lang: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise CellError(t(lang, "\"{value}\" is not yes or no (write ja or nei)", value=shown(value)))


def parse_reason(value: str, lang: str) -> ReasonCategory | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in REASONS:
        return REASONS[v]
    raise CellError(t(lang, "the reason must be one of the categories sick, medical_appointment, leave or other "
                            "(syk, legetime, permisjon, annet); free-text reasons are not taken in"))


def parse_kind(value: str, lang: str) -> AbsenceKind:
    v = value.strip().lower()
    if v in KINDS:
        return KINDS[v]
    raise CellError(t(lang, "\"{value}\" is not a kind of absence (day, hour, late or left_early)", value=shown(value)))


def parse_hours(value: str, lang: str) -> float:
    v = value.strip().replace(",", ".")
    if not v:
        return 1.0
    try:
        hours = float(v)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 12:
        raise CellError(t(lang, "\"{value}\" is not a number of lessons between 0 and 12", value=shown(value)))
    return hours


def required(values: dict[str, str], column: str, lang: str) -> str:
    value = values.get(column, "").strip()
    if not value:
        raise CellError(t(lang, "the column {column} is empty", column=column))
    return value


RELATIONS = {
    "mother": GuardianRelation.MOTHER, "mor": GuardianRelation.MOTHER,
    "father": GuardianRelation.FATHER, "far": GuardianRelation.FATHER,
    "other": GuardianRelation.OTHER, "annen": GuardianRelation.OTHER, "anna": GuardianRelation.OTHER,
}


def parse_relation(value: str, lang: str) -> GuardianRelation | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in RELATIONS:
        return RELATIONS[v]
    raise CellError(t(lang, "\"{value}\" is not a relation (mor, far or annen)", value=shown(value)))
