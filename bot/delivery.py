"""Getting the bot's calls through when Telegram has a bad moment: 429 Too Many Requests and 5xx.

What python-telegram-bot 22 does by itself (checked in its source, telegram/request/_baserequest.py,
telegram/ext/_aioratelimiter.py, telegram/ext/_utils/networkloop.py):

- 429 with ``parameters.retry_after`` raises ``RetryAfter``; ``AIORateLimiter(max_retries=2)`` waits
  ``retry_after`` + 0.1 s (holding back every other call meanwhile) and tries again, twice at most;
- a 5xx (with Telegram's JSON or a proxy's HTML page), a refused connection or a timeout raises
  ``NetworkError`` (``TimedOut`` for timeouts), which nothing retries: the reply would be lost;
- ``getUpdates`` does not pass through the rate limiter; the Updater's polling loop retries it forever
  (a 5xx: after 1 s, then 1.5 times longer each time up to 30 s; a 429: after ``retry_after`` + 0.5 s).

``RetryTransient`` wraps every call but ``getUpdates`` (it is installed as the bot's rate limiter, around
``AIORateLimiter`` when rate limiting is on) and tries a call again after a transient failure: a 5xx, a
network error, a timeout, or a 429 the rate limiter gave up on. Attempts are bounded and the pauses grow
(1, 2, 4, 8, 16 s by default). Only the Telegram call is repeated: a user's message is never passed to
Rasa twice, so a form step or an absence report is never handled twice. A 400 (``BadRequest``), 403
(``Forbidden``: the user blocked the bot) or 409 is final and not retried.

A timeout may hide a message that did arrive, so after a timeout the user can, rarely, see a message
twice; that is the price of not losing replies.
"""
from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)


def is_transient(error: BaseException) -> bool:
    """A failure that may pass: 429, 5xx, network errors and timeouts (not 400, 401, 403, 404, 409)."""
    return isinstance(error, RetryAfter) or (isinstance(error, NetworkError) and not isinstance(error, BadRequest))


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int until PTB_TIMEDELTA is set, a timedelta after; both are fine here
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryTransient(BaseRateLimiter[None]):
    """Tries a Bot API call again after a transient failure; ``attempts`` calls at most, pausing
    ``backoff``, 2 × ``backoff``, … (at most ``max_pause``) in between, or ``retry_after`` after a 429."""

    def __init__(self, inner: BaseRateLimiter | None = None, *, attempts: int = 6, backoff: float = 1.0,
                 max_pause: float = 16.0) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.inner, self.attempts, self.backoff, self.max_pause = inner, attempts, backoff, max_pause

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: None) -> Any:
        pause = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                if self.inner is not None:
                    return await self.inner.process_request(callback, args, kwargs, endpoint, data,
                                                            rate_limit_args)
                return await callback(*args, **kwargs)
            except TelegramError as error:
                if not is_transient(error) or attempt == self.attempts:
                    if is_transient(error):
                        log.error("Telegram call %s failed %d times (%s); giving up", endpoint, attempt,
                                  type(error).__name__)
                    raise
                if isinstance(error, RetryAfter):
                    wait = retry_after_seconds(error)
                else:
                    wait, pause = pause, min(self.max_pause, pause * 2)
                # The endpoint and the error's type only: no parameters (message text), no URL (the token).
                log.warning("Telegram call %s failed (%s); attempt %d of %d, trying again in %.1f s", endpoint,
                            type(error).__name__, attempt, self.attempts, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
