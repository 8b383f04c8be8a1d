"""Knowledge units: the whole of each guide, section by section, as short sourced answers.

A guide's units live in ``naervaer/guides/knowledge/<guide key>/*.yaml`` (several files per guide
are allowed, so a long guide can be written and reviewed in parts). Each unit is a short answer in our
own words in nb, nn and en, the facts it states, the seed lines it draws on and a few ways people ask
for it. The files are validated when loaded: a broken unit fails loudly, never silently answers.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from naervaer.absence import SchoolLevel
from naervaer.guides.schema import Localized

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "guides" / "knowledge"

Audience = Literal["staff", "parent", "pupil"]
# The acting flows a unit can offer to start (a button under the answer).
Flow = Literal["report_absence", "book_meeting", "log_contact", "pupil_status", "flagged_pupils"]
SkipReason = Literal["front_matter", "table_of_contents", "page_header_footer"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineRange(_Strict):
    section: Annotated[str, Field(min_length=1)]
    lines: tuple[int, int]

    @model_validator(mode="after")
    def _ordered(self) -> "LineRange":
        if not 1 <= self.lines[0] <= self.lines[1]:
            raise ValueError(f"lines must be [first, last] with 1 <= first <= last, got {list(self.lines)}")
        return self

    def __contains__(self, line: int) -> bool:
        return self.lines[0] <= line <= self.lines[1]


class Unit(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    title: Localized
    answer: Localized
    facts: list[str] = Field(default_factory=list)
    asks: list[Annotated[str, Field(min_length=2)]] = Field(min_length=1)
    audience: list[Audience] = Field(default_factory=lambda: ["staff", "parent", "pupil"])
    # The school levels the unit is about (Ås: kindergarten or school); none given: every level.
    levels: list[SchoolLevel] | None = None
    sources: list[LineRange] = Field(min_length=1)
    flow: Flow | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _facts_are_stated(self) -> "Unit":
        answer = self.answer.nb.casefold()
        missing = [f for f in self.facts if f.casefold() not in answer]
        if missing:
            raise ValueError(f"facts not stated in answer.nb: {missing}")
        return self

    def applies_to(self, levels: frozenset[SchoolLevel]) -> bool:
        return self.levels is None or not levels or bool(set(self.levels) & levels)

    def cites(self, line: int) -> bool:
        return any(line in source for source in self.sources)

    def overlaps(self, first: int, last: int) -> bool:
        return any(s.lines[0] <= last and first <= s.lines[1] for s in self.sources)


class Skip(_Strict):
    lines: tuple[int, int]
    why: SkipReason


class KnowledgeFile(_Strict):
    guide: Annotated[str, Field(pattern=r"^[a-z]+$")]
    units: list[Unit] = Field(default_factory=list)
    skip: list[Skip] = Field(default_factory=list)


class Knowledge(BaseModel):
    """All the units of one guide, with the lines that are not guidance."""

    model_config = ConfigDict(frozen=True)

    guide: str
    units: tuple[Unit, ...]
    skip: tuple[Skip, ...]

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)


class KnowledgeFileError(ValueError):
    """A knowledge file that cannot be used; the message names the file, the place and the problem."""


def _read(path: Path) -> KnowledgeFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark else "(yaml)"
        raise KnowledgeFileError(f"{path}: {place}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    try:
        return KnowledgeFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        unit = _unit_id_at(raw, err["loc"])
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise KnowledgeFileError(f"{path}: {where}{unit}: {err['msg']}{more}") from None


def _unit_id_at(raw: object, loc: tuple) -> str:
    if len(loc) >= 2 and loc[0] == "units" and isinstance(loc[1], int) and isinstance(raw, dict):
        try:
            return f" ({raw['units'][loc[1]]['id']})"
        except (KeyError, IndexError, TypeError):
            return ""
    return ""


def load_knowledge(guide: str, directory: Path | str | None = None) -> Knowledge:
    """The units of one guide; ``directory`` (holding ``<guide>/*.yaml``) defaults to the packaged data."""
    if directory is None:
        return _load_packaged(guide)
    return _load(guide, Path(directory))


@lru_cache(maxsize=None)
def _load_packaged(guide: str) -> Knowledge:
    return _load(guide, KNOWLEDGE_DIR)


def _load(guide: str, directory: Path) -> Knowledge:
    units: list[Unit] = []
    skip: list[Skip] = []
    for path in sorted((directory / guide).glob("*.yaml")):
        part = _read(path)
        if part.guide != guide:
            raise KnowledgeFileError(f"{path}: guide: {part.guide!r} is not the folder's guide {guide!r}")
        units += part.units
        skip += part.skip
    ids = [u.id for u in units]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise KnowledgeFileError(f"{directory / guide}: unit ids used twice: {dupes}")
    stray = [i for i in ids if not i.startswith(guide + "_")]
    if stray:
        raise KnowledgeFileError(f"{directory / guide}: unit ids must start with {guide + '_'!r}: {stray[:5]}")
    return Knowledge(guide=guide, units=tuple(units), skip=tuple(skip))
