"""Loading the guide YAML files into validated ``Guide`` objects."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from naervaer.guides.schema import Guide

DATA_DIR = Path(__file__).parent / "data"
# Discovering the guides reads every file; libyaml parses them about ten times faster than pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
GUIDE_KEYS: tuple[str, ...]  # = guide_keys(), computed on first use (__getattr__ below)


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
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
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


def _files(directory: Path) -> dict[str, Path]:
    # Every <key>.yaml in the folder is a guide: adding one is adding its file, nothing in code.
    return {path.stem: path for path in sorted(directory.glob("*.yaml"))}


def load_guide(key: str, directory: Path | str | None = None) -> Guide:
    """Load one guide; ``directory`` defaults to the packaged data (tests pass a copy)."""
    if directory is None:
        return _load_packaged(key)
    return _read(Path(directory) / f"{key}.yaml")


@lru_cache(maxsize=None)
def _load_packaged(key: str) -> Guide:
    files = _files(DATA_DIR)
    if key not in files:
        raise KeyError(f"unknown guide {key!r}; known: {', '.join(files)}")
    return _read(files[key])


def _place(guide: Guide) -> tuple:
    # By `order`, then by key; a guide without `order` comes after those with one.
    return (guide.order is None, guide.order or 0, guide.key)


def load_guides(directory: Path | str | None = None) -> dict[str, Guide]:
    """Every guide of the folder (default the packaged data) by key, in the order of ``guide_keys``."""
    folder = DATA_DIR if directory is None else Path(directory)
    guides = [load_guide(key, directory) for key in _files(folder)]
    return {guide.key: guide for guide in sorted(guides, key=_place)}


def guide_keys(directory: Path | str | None = None) -> tuple[str, ...]:
    """The keys of the guides there are (one per file), in the order of lists and the municipality buttons."""
    return _packaged_keys() if directory is None else tuple(load_guides(directory))


@lru_cache(maxsize=1)
def _packaged_keys() -> tuple[str, ...]:
    return tuple(load_guides())


def __getattr__(name: str):
    # GUIDE_KEYS is computed on first use, not at import: discovery reads and validates every guide file,
    # and modules that only need the schema (the rules engine, migrations) should not pay for it.
    if name == "GUIDE_KEYS":
        return guide_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
