"""Loading the guide YAML files into validated ``Guide`` objects."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from naervaer.guides.schema import Guide

DATA_DIR = Path(__file__).parent / "data"
GUIDE_KEYS: tuple[str, ...] = ("jevnaker", "alvoen", "trondelag", "tynset", "aas")


class GuideFileError(ValueError):
    """A guide file that cannot be used; the message names the file, the place and the problem."""

    def __init__(self, file: Path, place: str, problem: str):
        self.file, self.place, self.problem = file, place, problem
        super().__init__(f"{file}: {place}: {problem}")


def _yaml_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _read(path: Path) -> Guide:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GuideFileError(path, "(file)", "no such file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
        raise GuideFileError(path, place, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise GuideFileError(path, "(top level)", "expected a mapping of guide fields")
    try:
        guide = Guide.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise GuideFileError(path, _yaml_path(tuple(err["loc"])), err["msg"] + more) from None
    if guide.key != path.stem:
        raise GuideFileError(path, "key", f"key {guide.key!r} does not match the file name {path.stem!r}")
    return guide


def load_guide(key: str, directory: Path | str | None = None) -> Guide:
    """Load one guide; ``directory`` defaults to the packaged data (tests pass a copy)."""
    if directory is None:
        return _load_packaged(key)
    return _read(Path(directory) / f"{key}.yaml")


@lru_cache(maxsize=None)
def _load_packaged(key: str) -> Guide:
    if key not in GUIDE_KEYS:
        raise KeyError(f"unknown guide {key!r}; known: {', '.join(GUIDE_KEYS)}")
    return _read(DATA_DIR / f"{key}.yaml")


def load_guides(directory: Path | str | None = None) -> dict[str, Guide]:
    """All five guides by key (cached for the packaged data)."""
    return {key: load_guide(key, directory) for key in GUIDE_KEYS}
