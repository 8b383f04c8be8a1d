"""In-memory state of the bot: short tokens for button payloads (the slow-down of wrong invite codes is
naervaer.try_limiter, shared with the web chat).

Bounded and kept only as long as the process: after a restart old buttons answer "this button has
expired, ask again".
"""
from __future__ import annotations

import secrets
from collections import OrderedDict

CALLBACK_PREFIX = "b:"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data


class ButtonTokens:
    """Telegram's callback data holds at most 64 bytes; Rasa payloads such as
    ``/ask_absence{"pupil":"Ida Hansen"}`` can be longer. Each button gets a short random token instead,
    mapped to its payload per chat (the newest ``per_chat`` buttons of the newest ``chats`` chats)."""

    def __init__(self, per_chat: int = 200, chats: int = 10_000) -> None:
        self._per_chat = per_chat
        self._chats = chats
        self._maps: OrderedDict[int, OrderedDict[str, str]] = OrderedDict()

    def issue(self, chat_id: int, payload: str) -> str:
        """The callback data for a button with ``payload`` in chat ``chat_id``."""
        tokens = self._maps.pop(chat_id, None) or OrderedDict()
        self._maps[chat_id] = tokens
        while len(self._maps) > self._chats:
            self._maps.popitem(last=False)
        token = secrets.token_urlsafe(9)  # 12 characters, 72 random bits: not guessable across chats
        tokens[token] = payload
        while len(tokens) > self._per_chat:
            tokens.popitem(last=False)
        data = CALLBACK_PREFIX + token
        assert len(data.encode()) <= CALLBACK_DATA_LIMIT
        return data

    def resolve(self, chat_id: int, data: str | None) -> str | None:
        """The payload of a pressed button, or None when it is unknown or expired."""
        if not data or not data.startswith(CALLBACK_PREFIX):
            return None
        return self._maps.get(chat_id, {}).get(data[len(CALLBACK_PREFIX):])

    def forget(self, chat_id: int) -> None:
        self._maps.pop(chat_id, None)
