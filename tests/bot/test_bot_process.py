"""`python -m bot` as the demo starts it: a child process that long-polls the fake Bot API over HTTP."""
from __future__ import annotations

import os

from naervaer.services import start_telegram_bot
from naervaer.settings import Settings
from tests.bot.fake_telegram import FakeBotApi, FakeTelegramServer


def test_python_m_bot_polls_answers_start_and_stops_cleanly(demo_engine, database_url, tmp_path):
    api = FakeBotApi()
    settings = Settings(database_url=database_url, var_dir=tmp_path, rasa_port=9, actions_port=9,
                        log_level="INFO", tracker_store_url="sqlite://")
    with FakeTelegramServer(api) as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": server.base_url}
        env.pop("NAERVAER_PSEUDONYM_KEY", None)  # development: the key is generated into var/
        child = start_telegram_bot(settings, env)
        try:
            api.wait_for(lambda: api.polls > 0, 60, "the bot to poll")
            api.private_text(777, "/start")
            reply = api.wait_for_messages(777, 0, timeout=30)
            assert reply[0]["text"].startswith("Hei! Jeg er Nærvær")
        finally:
            child.stop()
        assert child.process.returncode == 0
    log = (tmp_path / "logs" / "telegram.log").read_text()
    assert api.token not in log and "long polling" in log
    assert (tmp_path / "pseudonym.key").stat().st_mode & 0o777 == 0o600
    assert {c.method for c in api.calls} >= {"getMe", "setMyCommands", "deleteWebhook", "sendMessage"}
    assert api.errors == []
