"""Building and running the Telegram bot.

``run(settings)`` is the entry point (``python -m bot`` calls it): long polling by default, a webhook
with a secret token when NAERVAER_TELEGRAM_WEBHOOK_URL is set. ``build_application`` is what the tests use.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers, jobs
from bot.config import BotConfig, load_config
from bot.delivery import RetryTransient
from bot.services import BotServices
from bot.updates import PerChatOrder
from naervaer.i18n import t
from naervaer.languages import DEFAULT_LANGUAGE, LANGUAGES
from naervaer.settings import Settings, load_settings

if TYPE_CHECKING:  # the engine is only passed through to BotServices
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
FORGET_COMMANDS = ("glem_meg", "forget_me")


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot logs the parameters of every call (message texts) at DEBUG.
    if logging.getLogger().getEffectiveLevel() < logging.INFO:
        logging.getLogger("telegram").setLevel(logging.INFO)


def build_application(config: BotConfig, *, engine: Engine | None = None, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None, rate_limit: bool = True,
                      schedule: bool = True) -> Application:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    builder = (Application.builder().token(config.token).post_init(_post_init).post_shutdown(_post_shutdown)
               .concurrent_updates(PerChatOrder(64)))
    # Every call but getUpdates: AIORateLimiter keeps to Telegram's limits and waits out a 429; RetryTransient
    # around it tries again after a 5xx, a network error or a timeout (bot/delivery.py).
    builder = builder.rate_limiter(RetryTransient(AIORateLimiter(max_retries=2) if rate_limit else None,
                                                  attempts=config.send_attempts, backoff=config.send_backoff))
    if config.api_base_url:
        builder = builder.base_url(config.api_base_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    app = builder.build()
    app.bot_data["services"] = BotServices(config=config, engine=engine)

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # new messages; edits are not answered
    app.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    app.add_handler(CommandHandler(list(FORGET_COMMANDS), handlers.on_forget, filters=private))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_text))  # typed intents, /hjelp ...
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.on_other))
    app.add_handler(CallbackQueryHandler(handlers.on_button))  # checks the chat type itself
    app.add_handler(ChatMemberHandler(handlers.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(handlers.on_error)
    if schedule and app.job_queue is not None:
        app.job_queue.run_daily(jobs.morning_job, time=config.digest_time, name="morning")
    return app


async def _post_init(app: Application) -> None:
    for lang in LANGUAGES:
        commands = [BotCommand("start", t(lang, "Link this chat with an invitation code")),
                    BotCommand("glem_meg", t(lang, "Remove the link and what the bot keeps about you")),
                    BotCommand("forget_me", t(lang, "Remove the link and what the bot keeps about you"))]
        try:
            await app.bot.set_my_commands(commands, language_code=None if lang == DEFAULT_LANGUAGE else lang)
        except TelegramError as error:
            log.warning("could not set the command list: %s", type(error).__name__)
    ready_file = app.bot_data["services"].config.ready_file
    if ready_file:
        Path(ready_file).touch()


async def _post_shutdown(app: Application) -> None:
    services: BotServices = app.bot_data["services"]
    if services.rasa is not None:
        await services.rasa.close()


def run(settings: Settings | None = None, *, engine: Engine | None = None) -> None:
    """Run the bot until Ctrl-C / SIGTERM (blocking; call from the main thread)."""
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    config = load_config(settings)
    app = build_application(config, engine=engine)
    if config.webhook_mode:
        log.info("Telegram bot: webhook mode on %s:%s", config.webhook_listen, config.webhook_port)
        app.run_webhook(listen=config.webhook_listen, port=config.webhook_port,
                        url_path=urlparse(config.webhook_url).path.lstrip("/"), webhook_url=config.webhook_url,
                        secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES)
    else:
        log.info("Telegram bot: long polling")
        app.run_polling(allowed_updates=ALLOWED_UPDATES)

