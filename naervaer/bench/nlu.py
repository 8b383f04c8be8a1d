"""NLU quality on the held-out set, by naervaer.nlu_eval (`rasa test nlu` on tests/nlu/heldout.yml)."""
from __future__ import annotations

import time
from pathlib import Path

from naervaer import nlu_eval


def run(model: Path, out_dir: Path) -> dict:
    started = time.monotonic()
    report = nlu_eval.evaluate_heldout(model, out_dir)
    worst, worst_f1 = report.worst_intent
    return {"set": "held-out", "model": model.name, "examples": int(sum(r["support"] for r in report.intents.values())),
            "intent_f1": round(report.intent_f1, 3), "entity_f1": round(report.entity_f1, 3),
            "worst_intent": worst, "worst_intent_f1": round(worst_f1, 3),
            "targets": f"intent >= {nlu_eval.INTENT_F1_MIN}, entity >= {nlu_eval.ENTITY_F1_MIN}, "
                       f"each intent >= {nlu_eval.PER_INTENT_F1_MIN}",
            "met": report.meets_targets(), "seconds": round(time.monotonic() - started, 1)}
