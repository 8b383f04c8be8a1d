"""The exam: questions written from the seed guides alone by someone who never saw the units or the
training data (`tests/exam/<guide>.yaml`). Used for measuring only, never for training or ranking.

A unit answers a question when it cites seed lines the question's answer is in (the examiner cites
lines, not unit ids, since they never saw the units). `make evaluate` prints the figures.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from naervaer.guides import GUIDE_KEYS
from naervaer.knowledge.finder import ranked
from naervaer.knowledge.nlu_data import question_key
from naervaer.knowledge.ranker import GuideIndex, index_for
from naervaer.knowledge.units import load_knowledge

REPO = Path(__file__).resolve().parent.parent.parent
EXAM_DIR = REPO / "tests" / "exam"


@dataclass(frozen=True)
class Question:
    id: str
    guide: str
    q: str
    lang: str
    asker: str
    lines: tuple[tuple[int, int], ...]
    facts: tuple[str, ...]
    style: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.lines)


def load_exam(directory: Path = EXAM_DIR) -> list[Question]:
    out = []
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in raw["questions"]:
            out.append(Question(q["id"], raw["guide"], str(q["q"]), q["lang"], q.get("asker", "staff"),
                                tuple(tuple(r) for r in q.get("lines") or []), tuple(str(f) for f in q.get("facts") or []),
                                tuple(q.get("style") or [])))
    return out


@lru_cache(maxsize=1)
def _taught() -> frozenset[str]:
    """Every intent example of the training data (data/nlu) and every unit ask, normalised."""
    from naervaer.nlu_eval import TRAINING, examples, plain

    taught = {question_key(plain(e)) for exs in examples(TRAINING).values() for e in exs}
    for key in GUIDE_KEYS:
        taught.update(question_key(a) for u in load_knowledge(key).units for a in u.asks)
    return frozenset(taught)


def in_training_data(question: Question) -> bool:
    """Word for word a training example or an ask (written independently: short canonical questions)."""
    return question_key(question.q) in _taught()


def answers_it(unit, question: Question) -> bool:
    return any(unit.overlaps(a, b) for a, b in question.lines)


@dataclass(frozen=True)
class Result:
    question: Question
    returned: tuple[str, ...]   # unit ids, best first
    top1: bool
    top3: bool
    answered: bool              # the finder answered (confidence high enough)
    answered_right: bool        # answered, and one of the shown units answers it
    declined_right: bool        # an unanswerable question, and the finder said it does not know


def grade(question: Question, index: GuideIndex) -> Result:
    audience = question.asker if question.asker in ("staff", "parent", "pupil") else None
    hits, finding = ranked(index, question.q, audience)
    ids = tuple(h.unit.id for h in hits)
    if not question.answerable:
        return Result(question, ids, False, False, finding.answered, False, not finding.answered)
    top1 = bool(hits) and answers_it(hits[0].unit, question)
    top3 = any(answers_it(h.unit, question) for h in hits[:3])
    right = finding.answered and any(answers_it(u, question) for u in finding.answers)
    return Result(question, ids, top1, top3, finding.answered, right, False)


def run(questions: list[Question] | None = None) -> list[Result]:
    questions = load_exam() if questions is None else questions
    return [grade(q, index_for(q.guide)) for q in questions]


def summary(results: list[Result]) -> dict[str, dict[str, float]]:
    """Figures per guide, per language and in all: top1, top3, answered_right over answerable questions;
    declined_right over the unanswerable ones."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups["all"].append(r)
        if not in_training_data(r.question):
            groups["all, not word for word in the training data"].append(r)
        groups[f"guide:{r.question.guide}"].append(r)
        groups[f"lang:{r.question.lang}"].append(r)
    table = {}
    for name, rs in groups.items():
        ans = [r for r in rs if r.question.answerable]
        out = [r for r in rs if not r.question.answerable]
        table[name] = {
            "questions": len(ans), "top1": _share(r.top1 for r in ans), "top3": _share(r.top3 for r in ans),
            "answered_right": _share(r.answered_right for r in ans),
            "unanswerable": len(out), "declined_right": _share(r.declined_right for r in out),
        }
    return table


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0
