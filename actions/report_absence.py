"""The first-day report form: extraction and validation call naervaer.conversations.first_day."""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import CoreAction, render, say_language
from actions.turn import Turn, read_turn
from naervaer.conversations import first_day, home_menu
from naervaer.conversations.failures import failure_reply, log_failure
from naervaer.db import session_scope
from naervaer.languages import TYPED_LANGUAGES
from naervaer.replies import Reply

log = logging.getLogger(__name__)

FORM_SLOTS = ["pupil", "absence_days", "absence_scope", "reason", "report_confirmed"]
# What a parent says inside the form that is an answer to it; any other intent the NLU is sure of is a
# question of its own, left to its own rule.
ANSWER_INTENTS = {"report_absence", "inform", "affirm", "deny", "nlu_fallback", "change_report",
                  "share_health_details"}
SURE = 0.6
# Per typed language, how a parent says how much of the day; every one in naervaer.languages needs an entry
# (tests/core/test_languages.py checks it). The first scope in this order that a message names wins.
SCOPE_PHRASES = {
    "nb": {"whole_day": ("hele dagen", "hel dag"), "arrives_late": ("kommer senere", "kommer seinere", "senere"),
           "leaves_early": ("går tidlig", "drar tidlig", "reiser tidlig", "tidlig hjem")},
    "nn": {"whole_day": ("heile dagen", "heil dag"), "arrives_late": ("kjem seinare", "seinare"),
           "leaves_early": ("går tidleg",)},
    "en": {"whole_day": ("whole day", "all day"), "arrives_late": ("later", "late"),
           "leaves_early": ("leaves early", "leave early")},
}
SCOPE_WORDS = [(re.compile(r"\b(" + "|".join(re.escape(p) for code in TYPED_LANGUAGES for p in SCOPE_PHRASES[code][scope])
                           + r")\b"), scope) for scope in ("whole_day", "arrives_late", "leaves_early")]


def _end_report() -> list:
    """The events that end the report form with nothing kept (the submission then stores nothing)."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


def _step(fn, *args) -> first_day.Step:  # noqa: ANN001
    with session_scope() as session:
        return fn(session, *args)


class ValidateReportAbsenceForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_absence_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict[str, Any]) -> list[str]:
        return FORM_SLOTS

    async def extract_pupil(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if tracker.get_slot("pupil") or tracker.get_slot("requested_slot") not in (None, "pupil"):
            return {}
        turn = read_turn(tracker)
        name = turn.entity("pupil")
        if name is None and tracker.get_slot("requested_slot") == "pupil" and not turn.text.startswith("/"):
            name = turn.text
        step = await asyncio.to_thread(_step, first_day.choose_child, turn.asker, name)
        return self._apply(step, "pupil", dispatcher, ask_again=name is not None)

    async def validate_pupil(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> dict:
        """A name from the message or a button: only a child the sender may report for is kept."""
        turn = read_turn(tracker)
        name = value.strip() if isinstance(value, str) and value.strip() else None  # never "None" or "['a', 1]"
        step = await asyncio.to_thread(_step, first_day.choose_child, turn.asker, name)
        return self._apply(step, "pupil", dispatcher, ask_again=True)

    async def extract_absence_days(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        turn = read_turn(tracker)
        text = turn.entity("date")
        if text is None and tracker.get_slot("requested_slot") == "absence_days" and not turn.text.startswith("/"):
            text = turn.text
        if text is None and tracker.get_slot("requested_slot") is None:
            text = turn.text  # the first message may carry the days ("ida er syk i dag")
        if not text or not tracker.get_slot("pupil") and tracker.get_slot("requested_slot") != "absence_days":
            return {}
        pupil = tracker.get_slot("pupil")
        if not pupil:
            return {}
        step = await asyncio.to_thread(_step, first_day.choose_days, turn.asker, pupil, text)
        if not step.understood and text != turn.text and not turn.text.startswith("/"):
            # The NLU sometimes marks only part of the time words ("dag" of "i dag"): read the whole message.
            step = await asyncio.to_thread(_step, first_day.choose_days, turn.asker, pupil, turn.text)
        if not step.understood and tracker.get_slot("requested_slot") is None:
            return {}  # no days in the first message: the form will ask
        return self._apply(step, "absence_days", dispatcher, ask_again=True)

    async def extract_absence_scope(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        text = (tracker.latest_message.get("text") or "").lower()
        for pattern, scope in SCOPE_WORDS:
            if pattern.search(text):
                return {"absence_scope": scope}
        return {}

    async def extract_reason(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if tracker.get_slot("reason"):
            return {}
        found = first_day.reason_in(tracker.latest_message.get("text") or "")
        return {"reason": found} if found else {}

    async def extract_report_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if tracker.get_slot("requested_slot") != "report_confirmed":
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "affirm":
            return {"report_confirmed": True}
        if intent == "deny":
            return {"report_confirmed": False}
        return {}

    async def validate_absence_scope(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict:
        return {"absence_scope": value if value in first_day.SCOPES else None}

    async def validate_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> dict:
        return {"reason": value if value in {r.value for r in first_day.REASONS} else None}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        events = await self._validate(dispatcher, tracker, domain)
        if dispatcher.messages:
            say_language(read_turn(tracker).lang, dispatcher)
        return events

    async def _validate(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        turn = read_turn(tracker)
        if not turn.readable:
            # Typed in a home language: nothing is read from it, whatever the NLU made of it. Inside the report,
            # setting the asked slot (to nothing) keeps the form, which asks its question again with the buttons;
            # a report the words alone would start is not started (the menu follows, from the submission).
            asking = tracker.get_slot("requested_slot")
            render(home_menu.not_read(turn.lang, turn.written, menu=False), dispatcher)
            return [SlotSet(asking, None)] if asking else _end_report()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        sure = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0) >= SURE
        asking = tracker.get_slot("requested_slot")
        if asking and intent not in ANSWER_INTENTS and sure:
            # A question inside the report: rejected here (a pupil named in it would otherwise count as an
            # answer), so its own rule answers it, and that action closes the form.
            return [ActionExecutionRejected(self.form_name())]
        if asking and asking != "report_confirmed" and intent == "deny":  # "avbryt", "nei, glem det"
            render(first_day.not_sent(read_turn(tracker).lang), dispatcher)
            return _end_report()
        try:
            if intent == "share_health_details":
                # Never kept: answer kindly, ask the same question again.
                turn = read_turn(tracker)
                render(await asyncio.to_thread(_health, turn), dispatcher)
                return [SlotSet(tracker.get_slot("requested_slot") or "absence_scope", None)]
            return await super().run(dispatcher, tracker, domain)
        except Exception as error:  # a failing store must not leave the parent with a silent bot
            log_failure(log, "validate_report_absence_form", error)
            dispatcher.messages.clear()  # half a step's messages would mislead
            render(failure_reply(read_turn(tracker).lang, error), dispatcher)
            # "Nothing was saved, send it again": the report ends here, and the resent one starts afresh.
            return _end_report()

    @staticmethod
    def _apply(step: first_day.Step, slot: str, dispatcher: CollectingDispatcher, ask_again: bool) -> dict:
        render(step.reply, dispatcher)
        if step.stop:
            return {slot: None, "requested_slot": None}
        if step.value is None:
            return {slot: None} if ask_again else {}
        return {slot: step.value}


def _health(turn: Turn) -> Reply:
    with session_scope() as session:
        return first_day.free_text_health(session, turn.asker)


class ActionAskPupil(CoreAction):
    action_name = "action_ask_pupil"
    part_of_form = True

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            step = first_day.choose_child(session, turn.asker, None)
        return step.reply


class ActionAskAbsenceDays(CoreAction):
    action_name = "action_ask_absence_days"
    part_of_form = True

    def answer(self, turn: Turn) -> Reply:
        return first_day.ask_days(turn.lang)


class ActionAskAbsenceScope(CoreAction):
    action_name = "action_ask_absence_scope"
    part_of_form = True

    def answer(self, turn: Turn) -> Reply:
        return first_day.ask_scope(turn.lang)


class ActionAskReason(CoreAction):
    action_name = "action_ask_reason"
    part_of_form = True

    def answer(self, turn: Turn) -> Reply:
        return first_day.ask_reason(turn.lang)


class ActionAskReportConfirmed(CoreAction):
    action_name = "action_ask_report_confirmed"
    part_of_form = True

    def answer(self, turn: Turn) -> Reply:
        s = turn.slots
        return first_day.summary(turn.asker, s["pupil"], s["absence_days"], s["absence_scope"], s["reason"])


class ActionSubmitAbsenceReport(CoreAction):
    action_name = "action_submit_absence_report"
    part_of_form = True
    failure_slots = tuple(FORM_SLOTS)  # not stored: a resent report starts again and is confirmed again

    def answer(self, turn: Turn) -> Reply:
        s = turn.slots
        reply = Reply(slots={slot: None for slot in FORM_SLOTS})
        if s.get("report_confirmed") is True and all(s.get(k) for k in FORM_SLOTS[:4]):
            with session_scope() as session:
                stored = first_day.store(session, turn.asker, s["pupil"], s["absence_days"], s["absence_scope"],
                                         s["reason"])
            reply.messages.extend(stored.messages)
        elif s.get("report_confirmed") is False:
            reply.messages.extend(first_day.not_sent(turn.lang).messages)
        return reply


def _withdrawal(turn: Turn, step) -> Reply:  # noqa: ANN001 - first_day.withdraw or first_day.change
    """Withdraw or change: only the "yes" button of the question naming the child and the days withdraws
    (a button press is a message that starts with "/"; the core checks what it carries)."""
    pressed = turn.text.startswith("/")
    with session_scope() as session:
        reply = step(session, turn.asker, turn.entity("pupil"), text="" if pressed else turn.text,
                     day_text=turn.entity("date"), confirmed=pressed)
    # The name asked about is no answer to a later report ("hun er syk i dag" must not mean that child).
    reply.slots["pupil"] = None
    return reply


class ActionChangeReport(CoreAction):
    action_name = "action_change_report"

    def answer(self, turn: Turn) -> Reply:
        return _withdrawal(turn, first_day.change)


class ActionCancelReport(CoreAction):
    action_name = "action_cancel_report"

    def answer(self, turn: Turn) -> Reply:
        return _withdrawal(turn, first_day.withdraw)


class ActionHealthDetails(CoreAction):
    action_name = "action_health_details"

    def answer(self, turn: Turn) -> Reply:
        return _health(turn)
