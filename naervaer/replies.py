"""What the assistant says back, independent of Rasa and Telegram: text, buttons and pictures."""
from __future__ import annotations

import json
from dataclasses import dataclass, field


def intent_payload(intent: str, **entities: object) -> str:
    """The Rasa payload that sends `intent` with these entities ("/inform{"pupil":"Ida Berg"}").

    JSON-encoded, so a name with a quotation mark or a backslash stays one value; entities that are
    None are left out."""
    given = {name: value for name, value in entities.items() if value is not None}
    if not given:
        return f"/{intent}"
    return f"/{intent}{json.dumps(given, ensure_ascii=False, separators=(',', ':'))}"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    @classmethod
    def for_intent(cls, title: str, intent: str, **entities: object) -> Button:
        """A button that sends `intent` with `entities`: the one way buttons are built."""
        return cls(title, intent_payload(intent, **entities))


@dataclass(frozen=True)
class Message:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None  # a URL or file path of a PNG
    image_alt: str = ""  # what the image shows, in words
    attachment: str | None = None  # a file path to offer for download (a meeting's .ics)


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, object] = field(default_factory=dict)  # values the dialogue should remember
    # Set on the "I don't know who you are" reply: an anonymous visitor's question may still be a guide's.
    unknown_sender: bool = False

    def say(self, text: str, buttons: tuple[Button, ...] | list[Button] = ()) -> Reply:
        self.messages.append(Message(text=text, buttons=tuple(buttons)))
        return self

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages if m.text)
