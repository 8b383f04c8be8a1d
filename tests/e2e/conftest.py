"""The real stack for end-to-end tests: the model (trained once, or reused when the training data is
unchanged), the action server and the Rasa server on free loopback ports, and a seeded SQLite store."""
from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from naervaer import demo, services
from naervaer.chat_client import RestChannel
from naervaer.db import make_engine, session_scope
from naervaer.migrate import upgrade
from naervaer.settings import PROJECT_ROOT, Settings
from tests.e2e.tcp_proxy import TcpProxy
from tests.helpers import TODAY


@dataclass
class Stack:
    settings: Settings
    engine: Engine
    chat: RestChannel


@pytest.fixture(scope="session")
def trained_model() -> services.Path:
    # NAERVAER_MODEL: a developer's shortcut while only actions and the core change (the domain and the
    # training data are those of that model); CI never sets it and trains for the data it has.
    given = os.environ.get("NAERVAER_MODEL")
    if given:
        return services.Path(given)
    return services.train(PROJECT_ROOT / "models", show_output=False)


@pytest.fixture(scope="session")
def stack(trained_model, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with demo_stack(trained_model, tmp_path_factory.mktemp("var"), TODAY) as running:
        yield running


@contextmanager
def demo_stack(model: services.Path, var: services.Path, today: date) -> Iterator[Stack]:
    """Both servers on free loopback ports over a demo store seeded for, and pinned to, ``today``."""
    settings = Settings(
        database_url=f"sqlite:///{var / 'naervaer.db'}", var_dir=var, rasa_port=services.free_port(),
        actions_port=services.free_port(), log_level="INFO", tracker_store_url=f"sqlite:///{var / 'tracker.db'}",
        models_dir=PROJECT_ROOT / "models",
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed(session, today)
    mp = pytest.MonkeyPatch()
    mp.setenv("NAERVAER_TODAY", today.isoformat())  # the action server inherits it
    try:
        with services.running_stack(settings, model):
            chat = RestChannel(settings.rasa_url)
            yield Stack(settings=settings, engine=engine, chat=chat)
            chat.close()
    finally:
        mp.undo()
        engine.dispose()


# --- A deployment like a municipality's: PostgreSQL for the store and the tracker store, Redis for the
# --- lock store, two Rasa servers sharing the load, one action server. The store is reached through a
# --- proxy that the fault tests can cut.

@dataclass
class Cluster:
    settings: Settings  # the first Rasa server's; settings.database_url goes through the proxy
    model: services.Path
    engine: Engine  # straight to PostgreSQL, for the tests' own checks
    proxy: TcpProxy
    rasa: list[services.Child]
    rasa_settings: list[Settings]
    actions: services.Child

    @property
    def rasa_urls(self) -> list[str]:
        return [s.rasa_url for s in self.rasa_settings]

    def restart_rasa(self, i: int, *, crash: bool = False) -> None:
        """Stop Rasa server i (SIGKILL when crash) and start it again with the same model and stores."""
        self.rasa[i].kill() if crash else self.rasa[i].stop()
        self.rasa[i] = services.start_rasa_server(self.rasa_settings[i], self.model, name=f"rasa-{i + 1}")

    def stop_actions(self) -> None:
        self.actions.stop()

    def start_actions(self) -> None:
        if self.actions.process.poll() is not None:
            self.actions = services.start_action_server(self.settings)


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _pg_schema_url(base: str, schema: str, *, host: str | None = None, port: int | None = None,
                   driver: str | None = None) -> str:
    url = make_url(base)
    if host:
        url = url.set(host=host, port=port)
    if driver:
        url = url.set(drivername=driver)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def cluster(trained_model, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (.ci/run sets it to the local PostgreSQL)")
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    store_schema, tracker_schema = f"naervaer_e2e_{os.getpid()}", f"naervaer_tracker_{os.getpid()}"
    admin = make_engine(base)
    with admin.begin() as conn:
        for schema in (store_schema, tracker_schema):
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    pg = make_url(base)
    var = tmp_path_factory.mktemp("cluster")
    mp = pytest.MonkeyPatch()
    mp.setenv("NAERVAER_TODAY", TODAY.isoformat())
    with TcpProxy(pg.host or "127.0.0.1", pg.port or 5432) as proxy:
        settings = Settings(
            database_url=_pg_schema_url(base, store_schema, host="127.0.0.1", port=proxy.port),
            var_dir=var, rasa_port=services.free_port(), actions_port=services.free_port(), log_level="INFO",
            tracker_store_url=_pg_schema_url(base, tracker_schema, driver="postgresql"),
            models_dir=PROJECT_ROOT / "models", lock_store_url="redis://127.0.0.1:6379/1")
        engine = make_engine(_pg_schema_url(base, store_schema))
        upgrade(engine)
        with session_scope(engine) as session:
            demo.seed(session, TODAY)
        second = replace(settings, rasa_port=services.free_port())
        children: list[services.Child] = []
        cluster = None
        try:
            actions = services.start_action_server(settings)
            children.append(actions)
            children += services.start_rasa_servers([settings, second], trained_model)
            cluster = Cluster(settings=settings, model=trained_model, engine=engine, proxy=proxy,
                              rasa=children[1:], rasa_settings=[settings, second], actions=actions)
            yield cluster
        finally:
            for child in reversed([cluster.actions, *cluster.rasa] if cluster else children):
                child.stop()
            mp.undo()
            engine.dispose()
            with admin.begin() as conn:
                for schema in (store_schema, tracker_schema):
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


# --- The web chat in a real browser (tests/e2e/browser.py) -----------------------------------------

from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from tests.e2e.browser import WebApp


@pytest.fixture(scope="module")
def web(stack: Stack) -> Iterator[WebApp]:
    """The web app over the module's stack (the session's, or a module's own store)."""
    from tests.e2e.browser import running_web

    with running_web(stack) as app:
        yield app


@pytest.fixture
def browser():
    from tests.e2e.browser import LAUNCHER

    return LAUNCHER.get()


@pytest.fixture
def context(browser):
    """A browser context of its own per test: its own cookies, so its own web session."""
    ctx = browser.new_context(viewport={"width": 1024, "height": 800}, locale="nb-NO")
    yield ctx
    ctx.close()


@pytest.fixture
def chat(context, web):
    from tests.e2e.browser import Chat

    web.forget_wrong_codes()
    return Chat(context, web).open()


@pytest.hookimpl(trylast=True)  # after the test's own fixtures (its browser context) are torn down
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Playwright keeps an event loop running while it is started: stop it before a test that needs no browser.
    if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
        from tests.e2e.browser import LAUNCHER

        LAUNCHER.close()
