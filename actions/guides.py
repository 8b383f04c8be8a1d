"""Questions about the municipal guide: one thin action per question type."""
from __future__ import annotations

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import guide_answers
from naervaer.db import session_scope
from naervaer.replies import Reply


class GuideAction(CoreAction):
    question: str = ""

    def answer(self, turn: Turn) -> Reply:
        chosen = turn.entity("guide") or turn.slots.get("guide")
        with session_scope() as session:
            return guide_answers.answer(session, turn.asker, self.question, turn.entities,
                                        chosen if isinstance(chosen, str) else None)


class ActionGuideWhenWorry(GuideAction):
    action_name, question = "action_guide_when_worry", "ask_when_worry"


class ActionGuideLevel(GuideAction):
    action_name, question = "action_guide_level", "ask_level"


class ActionGuideAgency(GuideAction):
    action_name, question = "action_guide_agency", "ask_agency"


class ActionGuideEarlySigns(GuideAction):
    action_name, question = "action_guide_early_signs", "ask_early_signs"


class ActionGuideSevenH(GuideAction):
    action_name, question = "action_guide_seven_h", "ask_seven_h"


class ActionGuideConversation(GuideAction):
    action_name, question = "action_guide_conversation", "ask_conversation_guide"


class ActionGuideMeasures(GuideAction):
    action_name, question = "action_guide_measures", "ask_measures"


class ActionGuideExpectations(GuideAction):
    action_name, question = "action_guide_expectations", "ask_expectations"
