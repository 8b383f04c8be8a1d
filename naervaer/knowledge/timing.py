"""How long ranking one guide question takes (`naervaer bench --only knowledge`): every exam question
against its own guide's index, after one warm-up; the index is built once per process."""
from __future__ import annotations

import statistics
import time
from collections import defaultdict

from naervaer.knowledge.exam import load_exam
from naervaer.knowledge.finder import find
from naervaer.knowledge.ranker import GuideIndex
from naervaer.knowledge.units import load_knowledge

TARGET_MS = 20.0
ROUNDS = 3


def run() -> list[dict]:
    by_guide: dict[str, list[str]] = defaultdict(list)
    for question in load_exam():
        by_guide[question.guide].append(question.q)
    rows = []
    for guide, questions in by_guide.items():
        started = time.perf_counter()
        index = GuideIndex(load_knowledge(guide))
        index_ms = (time.perf_counter() - started) * 1000
        find(index, questions[0])
        times = []
        for _ in range(ROUNDS):
            for q in questions:
                started = time.perf_counter()
                find(index, q)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        median = statistics.median(times)
        rows.append({"guide": guide, "units": len(index.units), "questions": len(questions),
                     "median_ms": round(median, 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                     "index_ms": round(index_ms, 1), "target_ms": TARGET_MS, "met": median < TARGET_MS})
    return rows
