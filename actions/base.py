"""The one shape every action has: read the turn, ask the core (off the event loop), render the reply."""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import Turn, read_turn
from naervaer.conversations import guide_answers, home_menu
from naervaer.conversations.failures import failure_reply, log_failure
from naervaer.db import session_scope
from naervaer.i18n import t
from naervaer.replies import Reply

log = logging.getLogger(__name__)


def render(reply: Reply, dispatcher: CollectingDispatcher) -> None:
    for message in reply.messages:
        buttons = [{"title": b.title, "payload": b.payload} for b in message.buttons]
        dispatcher.utter_message(text=message.text or None, buttons=buttons or None, image=message.image,
                                 attachment=message.attachment,
                                 json_message={"image_alt": message.image_alt} if message.image_alt else None)


def say_language(lang: str, dispatcher: CollectingDispatcher) -> None:
    """Tells the front end the reply's language (the web page sets its `lang` from it); no words."""
    dispatcher.utter_message(json_message={"lang": lang})


class CoreAction(Action, ABC):
    action_name: str = ""
    # Slots emptied when the turn fails, so that sending the message again starts cleanly.
    failure_slots: tuple[str, ...] = ()
    # The form's own questions and submission. Any other action answering while a form is open
    # (a question asked in the middle of a report) closes the form and says so.
    part_of_form: bool = False

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def answer(self, turn: Turn) -> Reply:
        """The reply to this turn, computed by the core."""

    @staticmethod
    def _guide_instead(turn: Turn) -> Reply | None:
        """An anonymous visitor who chose a municipality and asks a question its guide answers gets that
        answer rather than "I don't know who you are" (nothing about a pupil is read)."""
        chosen = turn.slots.get("guide")
        with session_scope() as session:
            return guide_answers.second_opinion(session, turn.asker, turn.text,
                                                chosen if isinstance(chosen, str) else None)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        turn = read_turn(tracker)
        try:
            if not turn.readable and not self.part_of_form:
                # Typed in a home language: whatever the NLU guessed, the words are not read (the form's
                # validation sees to the form's own questions).
                reply = home_menu.not_read(turn.lang, turn.written)
            else:
                # The core talks to the database synchronously; a thread keeps the action server's
                # event loop free for everyone else's turns.
                reply = await asyncio.to_thread(self.answer, turn)
                if reply.unknown_sender:
                    reply = await asyncio.to_thread(self._guide_instead, turn) or reply
            home_menu.with_menu(reply, turn.lang)
        except Exception as error:  # the user must never meet a silent bot
            log_failure(log, f"action {self.name()}", error)
            reply = failure_reply(turn.lang, error)
            reply.slots.update(dict.fromkeys(self.failure_slots))
        events = [SlotSet("last_language", turn.lang)]
        if turn.picked and not tracker.get_slot("language"):
            # Found with the chat identity: keep it for this conversation.
            events.append(SlotSet("language", turn.picked))
        events += [SlotSet(k, v) for k, v in reply.slots.items()]
        form = (tracker.active_loop or {}).get("name")
        if form and not self.part_of_form:
            reply.say(t(turn.lang, "(The absence report you started was not sent. Write again when you want to "
                                   "report it.)"))
            form_slots = (domain.get("forms") or {}).get(form, {}).get("required_slots") or []
            events += [SlotSet(slot, None) for slot in form_slots]
            events += [SlotSet("requested_slot", None), ActiveLoop(None)]
        render(reply, dispatcher)
        say_language(turn.lang, dispatcher)
        return events
