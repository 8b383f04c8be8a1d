"""What every handler and job shares: configuration, the store, the Rasa client and the in-memory state."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from telegram.ext import CallbackContext

from bot.config import BotConfig
from bot.rasa import RasaClient
from bot.state import ButtonTokens
from naervaer.try_limiter import TryLimiter
from naervaer.db import default_engine, session_scope
from naervaer.pseudonym import telegram_sender_id

if TYPE_CHECKING:  # the engine is only passed through to the core's session_scope
    from sqlalchemy import Engine

T = TypeVar("T")


@dataclass
class BotServices:
    config: BotConfig
    engine: Engine | None = None  # None: DATABASE_URL, like the rest of the app
    rasa: RasaClient | None = None
    tokens: ButtonTokens = field(default_factory=ButtonTokens)
    limiter: TryLimiter = field(default_factory=TryLimiter)
    known_chats: set[int] = field(default_factory=set)  # chats whose id is already in telegram_chats
    # Scheduled messages (bot/jobs.py): what reached its chat today, so a second run does not send it again,
    # and how many sends failed on a transient error (429, 5xx, network) since the bot started.
    delivered: set[tuple] = field(default_factory=set)
    undelivered: int = 0

    def __post_init__(self) -> None:
        if self.rasa is None:
            self.rasa = RasaClient(self.config.rasa_url, timeout=self.config.rasa_timeout)

    def sender_id(self, telegram_user_id: int) -> str:
        return telegram_sender_id(self.config.pseudonym_key, telegram_user_id)

    def _in_session(self, fn: Callable[..., T], *args: object) -> T:
        with session_scope(self.engine or default_engine()) as session:
            return fn(session, *args)

    async def unit(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(session, *args)`` in one short transaction, in a thread (the store is synchronous)."""
        return await asyncio.to_thread(self._in_session, fn, *args)


def services(context: CallbackContext) -> BotServices:
    return context.application.bot_data["services"]
