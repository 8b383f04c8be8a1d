"""The slow-down of wrong invite codes, shared by the Telegram bot and the web chat.

In memory, per process: after a restart a user's count of wrong codes starts from zero."""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


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
