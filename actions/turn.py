"""What an action needs from Rasa's tracker, as plain values for the core."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rasa_sdk import Tracker

from naervaer.clock import today
from naervaer.conversations.context import Asker
from naervaer.i18n import detect_language, normalise
from naervaer.identity import stored_language
from naervaer.languages import DEFAULT_LANGUAGE, LANGUAGES, language, typed


@dataclass(frozen=True)
class Turn:
    sender_id: str
    text: str
    intent: str | None
    entities: dict[str, str]
    lang: str
    today: date
    # The NLU's guesses, best first, as (intent, confidence); nlu_fallback included when it fired.
    intent_ranking: tuple[tuple[str, float], ...] = ()
    # The last action the bot ran before this message (e.g. "action_default_fallback"), if any.
    previous_action: str | None = None
    slots: dict[str, object] = field(default_factory=dict)
    # The language the message is written in; None for a button press, which has no words of its own.
    written: str | None = None
    # The language the person picked on a button (this conversation's, or an earlier one's), if any.
    picked: str | None = None

    @property
    def readable(self) -> bool:
        """Whether the words are read: a press, or text in a typed language. Text in a home language is never
        read (naervaer.languages): the action answers with the buttons instead."""
        return self.written is None or typed(self.written)

    @property
    def asker(self) -> Asker:
        return Asker(sender_id=self.sender_id, lang=self.lang, today=self.today)

    def entity(self, name: str) -> str | None:
        return self.entities.get(name)


def message_language(text: str, previous: str) -> str:
    """The written language of a message: a home language when lingua is sure of it (or its script tells),
    English when lingua is fairly sure, else Bokmål or Nynorsk by their marker words, else lingua's pick when
    clear, else the person's previous language."""
    first = detect_language(text, fallback=previous, min_confidence=0.5, tie=0.15)
    if first == "en" or not typed(first):
        return first
    words = {w.strip(".,!?:;«»\"'()") for w in text.lower().split()}
    marked = [code for code in LANGUAGES if words & language(code).markers]
    return marked[0] if len(marked) == 1 else first


def read_turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    previous = tracker.get_slot("last_language")
    # Within a conversation the slot holds the pick. A conversation's first turn (nothing answered yet, as after
    # /restart) finds an earlier pick with the chat identity, and the action keeps it in the slot: one lookup
    # per conversation, not per turn (a store read takes SQLite's write lock).
    chosen = tracker.get_slot("language") or (stored_language(tracker.sender_id) if previous is None else None)
    previous = previous or DEFAULT_LANGUAGE
    pressed = text.startswith("/")  # a button press or typed intent syntax carries no language of its own
    if chosen and not typed(previous):
        # A picked home language says what to answer in, not what the person types: words that tell no
        # language ("takk", "ok") are read as Bokmål, and answered in the picked language.
        previous = DEFAULT_LANGUAGE
    written = None if pressed else message_language(text, previous)
    lang = normalise(chosen or written or previous)
    picked = normalise(chosen) if chosen else None
    entities: dict[str, str] = {}
    for entity in message.get("entities") or []:
        value = entity.get("value")
        if isinstance(value, str) and entity.get("entity") and entity["entity"] not in entities:
            entities[entity["entity"]] = value[:100]  # an entity is a name or a word, never an essay
    ranking = tuple((r["name"], float(r.get("confidence") or 0.0)) for r in message.get("intent_ranking") or []
                    if isinstance(r, dict) and r.get("name"))
    return Turn(sender_id=tracker.sender_id, text=text, intent=(message.get("intent") or {}).get("name"),
                entities=entities, lang=lang, today=today(), intent_ranking=ranking,
                previous_action=_previous_action(tracker.events or []),
                slots={k: v for k, v in (tracker.slots or {}).items() if v is not None},
                written=written, picked=picked)





def _previous_action(events: list[dict]) -> str | None:
    """The last action before the latest user message, not counting the listening in between."""
    seen_user = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "action" and seen_user and event.get("name") not in ("action_listen", None):
            return event["name"]
    return None
