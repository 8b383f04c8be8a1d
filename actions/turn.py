"""What an action needs from Rasa's tracker, as plain values for the core."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rasa_sdk import Tracker

from naervaer.clock import today
from naervaer.conversations.context import Asker
from naervaer.i18n import detect_language, normalise


@dataclass(frozen=True)
class Turn:
    sender_id: str
    text: str
    intent: str | None
    entities: dict[str, str]
    lang: str
    today: date

    @property
    def asker(self) -> Asker:
        return Asker(sender_id=self.sender_id, lang=self.lang, today=self.today)

    def entity(self, name: str) -> str | None:
        return self.entities.get(name)


def read_turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    chosen = tracker.get_slot("language")
    previous = tracker.get_slot("last_language") or "nb"
    if chosen:
        lang = normalise(chosen)
    elif text.startswith("/"):  # a button press or typed intent syntax carries no language of its own
        lang = normalise(previous)
    else:
        lang = detect_language(text, fallback=previous)
    entities: dict[str, str] = {}
    for entity in message.get("entities") or []:
        value = entity.get("value")
        if isinstance(value, str) and entity.get("entity") and entity["entity"] not in entities:
            entities[entity["entity"]] = value[:100]  # an entity is a name or a word, never an essay
    return Turn(sender_id=tracker.sender_id, text=text, intent=(message.get("intent") or {}).get("name"),
                entities=entities, lang=lang, today=today())
