"""Questions about the municipal guide: one thin action, the core finds the answer in the asker's guide."""
from __future__ import annotations

import threading

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import guide_answers
from naervaer.db import session_scope
from naervaer.guides import GUIDE_KEYS
from naervaer.knowledge.ranker import index_for
from naervaer.replies import Reply


def _warm_indexes() -> None:
    # Building a guide's index takes 0.2-1.4 s (naervaer bench --only knowledge); do it when the action
    # server starts, beside it, instead of in the first guide question of each guide.
    for key in GUIDE_KEYS:
        index_for(key)


threading.Thread(target=_warm_indexes, name="warm-guide-indexes", daemon=True).start()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class ActionGuideAnswer(CoreAction):
    action_name = "action_guide_answer"

    def answer(self, turn: Turn) -> Reply:
        chosen = _text(turn.entity("guide")) or _text(turn.slots.get("guide"))
        question = turn.text
        waiting = _text(turn.slots.get(guide_answers.QUESTION_SLOT))
        if question.startswith("/") and waiting:  # the guide was just picked for the question before
            question = waiting
        # "She has been ill four days, do I need to do more?": the NLU's runner-up is a report.
        sounds_like_report = any(name == "report_absence" for name, _ in turn.intent_ranking[:3])
        with session_scope() as session:
            return guide_answers.answer(session, turn.asker, question, chosen, unit_id=_text(turn.entity("unit")),
                                        previous_unit=_text(turn.slots.get(guide_answers.TOPIC_SLOT)),
                                        sounds_like_report=sounds_like_report)
