from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import Restarted, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import guide_answers, handoff, smalltalk
from naervaer.db import session_scope
from naervaer.replies import Reply


def _chosen(turn: Turn) -> str | None:
    chosen = turn.slots.get("guide")
    return chosen if isinstance(chosen, str) else None


class ActionSmallTalk(CoreAction):
    action_name = "action_small_talk"

    def answer(self, turn: Turn) -> Reply:
        if turn.intent == "help":
            with session_scope() as session:
                return smalltalk.help_for(session, turn.asker)
        if turn.intent == "out_of_scope":  # "out of scope" that the guide answers clearly is not
            with session_scope() as session:
                guide = guide_answers.second_opinion(session, turn.asker, turn.text, _chosen(turn))
            if guide is not None:
                return guide
        return smalltalk.answer(turn.intent or "help", turn.lang)


class ActionDefaultFallback(CoreAction):
    """Unsure: a message the asker's guide answers clearly is answered from it; otherwise ask back with
    the two best guesses (the question waits, so "A question about the guide" answers it); the second
    time in a row, offer a person."""

    action_name = "action_default_fallback"

    def answer(self, turn: Turn) -> Reply:
        typed = turn.text if not turn.text.startswith("/") else ""
        with session_scope() as session:
            if typed:
                chosen = turn.slots.get("guide")
                decision = guide_answers.confident(session, turn.asker, typed, chosen if isinstance(chosen, str) else None)
                if decision is not None:
                    return guide_answers.render(turn.lang, decision)
            if turn.previous_action == self.action_name:
                return handoff.contact(session, turn.asker, after_misunderstanding=True)
        reply = smalltalk.not_understood(turn.lang, turn.intent_ranking, turn.entities)
        if typed:
            reply.slots[guide_answers.QUESTION_SLOT] = typed[:500]
        return reply


class ActionAskHuman(CoreAction):
    action_name = "action_ask_human"

    def answer(self, turn: Turn) -> Reply:
        # No second opinion from the guide here: "kan jeg snakke med noen?" matches the guide's
        # "tillitsperson" as confidently as a real guide question would (measured), and a person asked for
        # must be given.
        with session_scope() as session:
            return handoff.contact(session, turn.asker)


class ActionChooseLanguage(CoreAction):
    action_name = "action_choose_language"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            return smalltalk.choose_language(session, turn.asker, turn.entity("language"))


class ActionRestart(CoreAction):
    """Rasa's /restart, which otherwise answers nothing; the language, and a picked one, outlive the restart."""

    action_name = "action_restart"

    def answer(self, turn: Turn) -> Reply:
        return smalltalk.restarted(turn.lang)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        events = await super().run(dispatcher, tracker, domain)
        picked = tracker.get_slot("language")
        return [Restarted(), *events, *([SlotSet("language", picked)] if picked else [])]


class ActionBack(CoreAction):
    """Rasa's /back, which otherwise answers nothing: forgets the message before it (as Rasa's does)."""

    action_name = "action_back"

    def answer(self, turn: Turn) -> Reply:
        return smalltalk.went_back(turn.lang)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return [UserUtteranceReverted(), UserUtteranceReverted(), *await super().run(dispatcher, tracker, domain)]
