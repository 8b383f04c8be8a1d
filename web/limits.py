"""Requests a minute per key (a session, an address): a sliding window, bounded in memory.

Per process: behind a proxy with several instances each counts its own share, which is what keeps one
instance from being flooded; the invite codes' slow-down is naervaer.try_limiter."""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW = 60.0


class RateLimit:
    def __init__(self, per_minute: int, keys: int = 50_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self._keys, self._clock = per_minute, keys, clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Count one request; False when the key has used up its minute (the request is not counted)."""
        if self.per_minute <= 0:
            return True
        now = self._clock()
        times = self._seen.pop(key, None) or deque()
        while times and times[0] <= now - WINDOW:
            times.popleft()
        self._seen[key] = times
        while len(self._seen) > self._keys:
            self._seen.popitem(last=False)
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True
