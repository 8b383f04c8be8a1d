"""In-memory state of the bot: short tokens for button payloads, and the slow-down of wrong invite codes.

Both are bounded and live only as long as the process: after a restart old buttons answer "this button
has expired, ask again", and a user's count of wrong codes starts from zero.
"""
from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

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


class TryLimiter:
    """Slows down guessing of invite codes, per user (keyed by the pseudonymous sender id).

    The first ``free`` wrong codes cost nothing (typos happen); after that each wrong code closes the
    door for ``base * 2**(n-1)`` seconds (n = wrong codes beyond the free ones), at most ``cap``
    seconds. While closed, any code (right or wrong) is refused without being looked up. A right code
    clears the count; a user left alone for ``cap`` seconds after the door opens again starts afresh.
    With 256-bit codes this is about the user's experience and the server's load, not the odds."""

    def __init__(self, free: int = 2, base: float = 30.0, cap: float = 3600.0, users: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap, self._users, self._clock = free, base, cap, users, clock
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (wrong tries, open again at)

    def wait(self, key: str) -> float:
        """Seconds until this user may try again (0 when they may)."""
        entry = self._state.get(key)
        if entry is None:
            return 0.0
        wrong, until = entry
        now = self._clock()
        if now >= until + self.cap:
            del self._state[key]
            return 0.0
        return max(0.0, until - now)

    def failed(self, key: str) -> float:
        """Count a wrong code; returns how long the user must now wait."""
        self.wait(key)  # expires an old entry
        wrong, _ = self._state.pop(key, (0, 0.0))
        wrong += 1
        delay = 0.0 if wrong <= self.free else min(self.cap, self.base * 2 ** (wrong - self.free - 1))
        self._state[key] = (wrong, self._clock() + delay)
        while len(self._state) > self._users:
            self._state.popitem(last=False)
        return delay

    def succeeded(self, key: str) -> None:
        self._state.pop(key, None)

    forget = succeeded
