"""Database fixtures: every store test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import os
import pytest
from sqlalchemy import Engine, delete, text
from sqlalchemy.engine import make_url

from naervaer import demo
from naervaer.db import make_engine, session_scope
from naervaer.migrate import upgrade
from naervaer.models import Base
from tests.helpers import TODAY

PG_SCHEMA = f"naervaer_test_{os.getpid()}"


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each backend; PostgreSQL gets a schema of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.db'}"
        engine = make_engine(url)
    else:
        base = _postgres_url()
        if not base:
            pytest.skip("TEST_DATABASE_URL is not set (.ci/run sets it to the local PostgreSQL)")
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
        admin.dispose()
        url = make_url(base).update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}) \
            .render_as_string(hide_password=False)
        engine = make_engine(url)
        request.addfinalizer(lambda: _drop_schema(base))
    upgrade(engine)
    engine.dispose()
    return url


def _drop_schema(base: str) -> None:
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """An empty store; the code under test finds it through DATABASE_URL like in production."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    eng = make_engine(database_url)
    with eng.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    yield eng
    eng.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        demo.seed(session, TODAY)
    return engine
