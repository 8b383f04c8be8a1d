"""What the assistant says back, independent of Rasa and Telegram: text, buttons and pictures."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None  # a URL or file path of a PNG


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
