from __future__ import annotations

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import absence_question
from naervaer.db import session_scope
from naervaer.replies import Reply


class ActionAnswerAbsence(CoreAction):
    action_name = "action_answer_absence"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            return absence_question.answer(session, turn.asker, turn.entity("pupil"))
