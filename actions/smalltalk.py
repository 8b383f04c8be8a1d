from __future__ import annotations

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import smalltalk
from naervaer.replies import Reply


class ActionSmallTalk(CoreAction):
    action_name = "action_small_talk"

    def answer(self, turn: Turn) -> Reply:
        return smalltalk.answer(turn.intent or "help", turn.lang)


class ActionDefaultFallback(CoreAction):
    action_name = "action_default_fallback"

    def answer(self, turn: Turn) -> Reply:
        return smalltalk.not_understood(turn.lang)
