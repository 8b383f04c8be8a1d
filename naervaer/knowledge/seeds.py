"""The seed texts of the guides (the municipalities' PDFs as text), and which of their lines are content.

The seeds are not part of the package: they sit in ``shared/seeds`` beside the repository (or where
``NAERVAER_SEEDS`` points). Only the coverage report and the fidelity checks read them.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from naervaer.knowledge.units import Knowledge

REPO = Path(__file__).resolve().parent.parent.parent
_PAGE_NUMBER = re.compile(r"^\W*\d{1,3}\W*$")
_DOT_LEADER = re.compile(r"(\.\s*){6,}")


class SeedsMissing(FileNotFoundError):
    pass


def seeds_dir() -> Path:
    candidates = [os.environ.get("NAERVAER_SEEDS"), REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise SeedsMissing("the seed guides were not found: set NAERVAER_SEEDS to the folder of the seed .txt files "
                       "(shared/seeds beside the repository)")


def seed_lines(source_file: str) -> list[str]:
    """The seed file's lines; line n (1-based, as the sources cite it) is element n-1."""
    return (seeds_dir() / source_file).read_text(encoding="utf-8").splitlines()


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def content_lines(lines: list[str], knowledge: Knowledge) -> list[int]:
    """The 1-based numbers of the lines that carry guidance: not blank, not a page number, header or
    footer (a line whose shape repeats three times or more), not a table-of-contents line, and not in a
    range the knowledge files skip as front matter or table of contents."""
    repeated = {shape for shape, n in Counter(_shape(x) for x in lines if x.strip()).items() if n >= 3}
    skipped = [s.lines for s in knowledge.skip]
    out = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or not re.search(r"\w", text) or _PAGE_NUMBER.match(text) or _DOT_LEADER.search(text):
            continue
        if _shape(text) in repeated and len(text) > 3 and not _looks_like_list_item(text):
            continue
        if any(a <= number <= b for a, b in skipped):
            continue
        out.append(number)
    return out


def _looks_like_list_item(text: str) -> bool:
    # A short repeated line such as "Tiltak:" or "Ansvar" is a label of a table, which is content.
    return len(text) < 25
