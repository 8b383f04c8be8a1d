"""Which content lines of each seed guide the knowledge units cite (`naervaer guides coverage`)."""
from __future__ import annotations

from dataclasses import dataclass

from naervaer.guides import load_guide
from naervaer.knowledge.seeds import content_lines, seed_lines
from naervaer.knowledge.units import Knowledge, load_knowledge


@dataclass(frozen=True)
class Gap:
    first: int
    last: int
    words: str  # the first words of the range, so a reader finds it in the seed


@dataclass(frozen=True)
class Coverage:
    guide: str
    units: int
    content: int
    covered: int
    gaps: tuple[Gap, ...]

    @property
    def share(self) -> float:
        return self.covered / self.content if self.content else 0.0


def coverage(guide_key: str, knowledge: Knowledge | None = None) -> Coverage:
    knowledge = knowledge or load_knowledge(guide_key)
    lines = seed_lines(load_guide(guide_key).source_file)
    content = content_lines(lines, knowledge)
    cited = [False] * (len(lines) + 2)
    for unit in knowledge.units:
        for source in unit.sources:
            for n in range(source.lines[0], min(source.lines[1], len(lines)) + 1):
                cited[n] = True
    uncovered = [n for n in content if not cited[n]]
    gaps: list[Gap] = []
    for n in uncovered:
        # Lines of one gap are consecutive among the content lines (blank lines in between do not split it).
        if gaps and content.index(n) == content.index(gaps[-1].last) + 1:
            gaps[-1] = Gap(gaps[-1].first, n, gaps[-1].words)
        else:
            gaps.append(Gap(n, n, " ".join(lines[n - 1].split()[:8])))
    return Coverage(guide_key, len(knowledge.units), len(content), len(content) - len(uncovered), tuple(gaps))
