"""The real stack for end-to-end tests: the model (trained once, or reused when the training data is
unchanged), the action server and the Rasa server on free loopback ports, and a seeded SQLite store."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from naervaer import demo, services
from naervaer.chat_client import RestChannel
from naervaer.db import make_engine, session_scope
from naervaer.migrate import upgrade
from naervaer.settings import PROJECT_ROOT, Settings
from tests.helpers import TODAY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    settings: Settings
    engine: Engine
    chat: RestChannel


@pytest.fixture(scope="session")
def trained_model() -> services.Path:
    return services.train(PROJECT_ROOT / "models", show_output=False)


@pytest.fixture(scope="session")
def stack(trained_model, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("var")
    settings = Settings(
        database_url=f"sqlite:///{var / 'naervaer.db'}", var_dir=var, rasa_port=free_port(),
        actions_port=free_port(), log_level="INFO", tracker_store_url=f"sqlite:///{var / 'tracker.db'}",
        models_dir=PROJECT_ROOT / "models",
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed(session, TODAY)
    mp = pytest.MonkeyPatch()
    mp.setenv("NAERVAER_TODAY", TODAY.isoformat())  # the action server inherits it
    try:
        with services.running_stack(settings, trained_model):
            chat = RestChannel(settings.rasa_url)
            yield Stack(settings=settings, engine=engine, chat=chat)
            chat.close()
    finally:
        mp.undo()
        engine.dispose()
