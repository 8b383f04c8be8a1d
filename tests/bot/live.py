"""The Telegram application run against the fake Bot API from its own thread and event loop, the way
`python -m bot` runs it: for the end-to-end tests."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.main import ALLOWED_UPDATES, build_application
from tests.bot.conftest import make_config
from tests.bot.fake_telegram import FakeBotApi, FakeTelegramServer


class LiveBot:
    """The application polling the fake server from its own thread and event loop, like `python -m bot`."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bot", daemon=True)

    def call(self, coro, timeout: float = 120):  # noqa: ANN001
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, webhook: dict | None = None) -> None:
        self.thread.start()

        async def start() -> None:
            await self.app.initialize()
            await self.app.start()
            if webhook:
                await self.app.updater.start_webhook(**webhook)
            else:
                await self.app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES)
        self.call(start())

    def stop(self) -> None:
        async def stop() -> None:
            await self.app.updater.stop()
            await self.app.stop()
            await self.app.shutdown()
        try:
            self.call(stop(), timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


@contextmanager
def bot_against_fake_api(stack, **config) -> Iterator[tuple[FakeBotApi, LiveBot]]:  # noqa: ANN001
    """The bot polling a fake Bot API over HTTP, with the real Rasa server of `stack` behind it; at the
    end, no call the bot made may be one Telegram would refuse."""
    api = FakeBotApi()
    with FakeTelegramServer(api) as server:
        cfg = make_config(api, rasa_url=stack.settings.rasa_url, api_base_url=server.base_url, **config)
        bot = LiveBot(build_application(cfg, engine=stack.engine, schedule=False))
        bot.start()
        try:
            yield api, bot
        finally:
            bot.stop()
    assert api.errors == [], f"the bot made calls Telegram would refuse: {api.errors}"
