"""Our stack for the benchmark, as the end-to-end tests start it: both servers on free loopback ports
(services.running_stack), a fresh SQLite store seeded with the demo municipality in a temporary var
dir, and "today" pinned to a school day so the demo data make sense."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from naervaer import demo, services
from naervaer.db import make_engine, session_scope
from naervaer.identity import link_sender
from naervaer.migrate import upgrade
from naervaer.models import Person
from naervaer.settings import Settings

BENCH_TODAY = date(2026, 11, 23)  # a Monday (the end-to-end tests' day)

# Who the bench's sender ids are linked to, by sender prefix.
PEOPLE = {"bench-teacher": ("Marte", "Lie"),   # contact teacher of 6A in Jevnaker (Ida Hansen's class)
          "bench-parent": ("Kari", "Hansen")}  # Ida Hansen's mother, with parental responsibility


@dataclass
class OurStack:
    settings: Settings
    engine: Engine
    actions: services.Child
    rasa: services.Child
    more_rasa: list[tuple[Settings, services.Child]] = field(default_factory=list)  # servers 2, 3, ...

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    @property
    def urls(self) -> list[str]:
        return [self.url] + [settings.rasa_url for settings, _ in self.more_rasa]

    @property
    def tracker_db(self) -> Path:
        return Path(self.settings.tracker_store_url.removeprefix("sqlite:///"))

    def link(self, prefix: str, senders: Iterable[str]) -> None:
        """Link sender ids (each its own conversation) to the demo person behind `prefix`."""
        given, family = PEOPLE[prefix]
        with session_scope(self.engine) as session:
            person = session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                                     .order_by(Person.id)).first()
            for sender in senders:
                link_sender(session, sender, person)


@contextmanager
def running(var_dir: Path, model: Path, *, log_level: str = "WARNING", servers: int = 1,
            tracker_store_url: str | None = None, lock_store_url: str = "") -> Iterator[OurStack]:
    """The embedded default (one Rasa server, SQLite tracker store), or several Rasa servers sharing
    `tracker_store_url` and a Redis `lock_store_url`, as a municipality runs them."""
    var_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(database_url=f"sqlite:///{var_dir / 'naervaer.db'}", var_dir=var_dir,
                        rasa_port=services.free_port(), actions_port=services.free_port(), log_level=log_level,
                        tracker_store_url=tracker_store_url or f"sqlite:///{var_dir / 'tracker.db'}",
                        models_dir=model.parent, lock_store_url=lock_store_url)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed(session, BENCH_TODAY)
    before = os.environ.get("NAERVAER_TODAY")
    os.environ["NAERVAER_TODAY"] = BENCH_TODAY.isoformat()  # the servers (and the Telegram bot) inherit it
    try:
        with services.running_stack(settings, model) as (actions, rasa):
            more = [replace(settings, rasa_port=services.free_port()) for _ in range(servers - 1)]
            children = services.start_rasa_servers(more, model, names=[f"rasa-{i + 2}" for i in range(len(more))])
            try:
                yield OurStack(settings=settings, engine=engine, actions=actions, rasa=rasa,
                               more_rasa=list(zip(more, children)))
            finally:
                for child in children:
                    child.stop()
    finally:
        if before is None:
            os.environ.pop("NAERVAER_TODAY", None)
        else:
            os.environ["NAERVAER_TODAY"] = before
        engine.dispose()
