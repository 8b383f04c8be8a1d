"""The morning rush on the production set-up (PostgreSQL store and tracker store, Redis lock store, two
Rasa servers): every confirmed report is stored exactly once, no unconfirmed one is stored, and a
conversation stays whole whichever server gets each of its turns."""
from __future__ import annotations

import asyncio
import os
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.families import add_families
from naervaer import services
from naervaer.db import session_scope
from naervaer.identity import create_invite, person_for_sender
from tests.e2e.rush import rush, send, stored_reports, web_rush
from tests.helpers import TODAY

pytestmark = pytest.mark.e2e

PARENTS = int(os.environ.get("NAERVAER_RUSH_PARENTS", "300"))


def _check(outcomes, engine) -> None:  # noqa: ANN001
    problems = [f"{o.family.sender}: {p}" for o in outcomes for p in o.problems]
    assert not problems, f"{len(problems)} parents met a problem, e.g.:\n" + "\n".join(problems[:5])
    stored = stored_reports(engine, [o.family.pupil_id for o in outcomes])
    wrong = {o.family.sender: stored[o.family.pupil_id] for o in outcomes
             if stored[o.family.pupil_id] != ((1, 1) if o.confirm else (0, 0))}
    assert not wrong, f"stored (records, first-day contacts) not exactly once per confirmed report: {wrong}"


def test_300_parents_report_at_once_and_each_confirmed_report_is_stored_once(cluster):
    families = add_families(cluster.engine, PARENTS, TODAY)
    urls = cluster.rasa_urls
    # A load balancer keeps each conversation on one server here; one parent in four says "Nei".
    outcomes = asyncio.run(rush(families, server_for=lambda i, turn: urls[i % 2], confirm=lambda i: i % 4 != 0))
    _check(outcomes, cluster.engine)
    assert sum(o.thanked for o in outcomes) == len(families) - len(families[::4])


def test_a_conversation_moves_between_two_rasa_servers_and_stays_whole(cluster):
    families = add_families(cluster.engine, 40, TODAY)
    urls = cluster.rasa_urls
    # Every turn of a conversation goes to the other server than the turn before it.
    outcomes = asyncio.run(rush(families, server_for=lambda i, turn: urls[(i + turn) % 2],
                                confirm=lambda i: i % 3 != 0))
    _check(outcomes, cluster.engine)

    # The shared tracker store holds each conversation once, turn by turn, with one submission at most.
    tracker = create_engine(cluster.settings.tracker_store_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with tracker.connect() as conn:
        rows = conn.execute(text(
            "SELECT sender_id, count(*) FILTER (WHERE type_name = 'user'), "
            "count(*) FILTER (WHERE type_name = 'action' AND action_name = 'action_submit_absence_report') "
            "FROM events WHERE sender_id = ANY(:senders) GROUP BY sender_id"),
            {"senders": [f.sender for f in families]}).all()
    tracker.dispose()
    assert {r[0]: (r[1], r[2]) for r in rows} == {f.sender: (3, 1) for f in families}


def test_a_double_tap_on_both_servers_at_once_confirms_once(cluster):
    [family] = add_families(cluster.engine, 1, TODAY)
    urls = cluster.rasa_urls

    async def double_tap() -> list[list[dict]]:
        async with httpx.AsyncClient(timeout=120) as client:
            # Up to the confirmation question on server 1 ...
            reply = await send(client, urls[0], family.sender, f"{family.child} er syk i dag")
            whole_day = next(b["payload"] for m in reply for b in m.get("buttons") or [] if b["title"].startswith("Hele"))
            reply = await send(client, urls[0], family.sender, whole_day)
            yes = next(b["payload"] for m in reply for b in m.get("buttons") or [] if b["title"].startswith("Ja"))
            # ... then "Ja" reaches both servers at the same moment (a flaky network resends it).
            return await asyncio.gather(send(client, urls[0], family.sender, yes),
                                        send(client, urls[1], family.sender, yes))

    replies = asyncio.run(double_tap())
    thanked = [r for r in replies if any(f"skolen vet nå at {family.child}" in (m.get("text") or "") for m in r)]
    assert len(thanked) == 1, replies
    assert all(r for r in replies), "each tap gets an answer"
    assert stored_reports(cluster.engine, [family.pupil_id]) == {family.pupil_id: (1, 1)}


@pytest.fixture(scope="module")
def web_pair(cluster):
    """Two web chats side by side, each in front of one of the two Rasa servers, as a proxy would put them:
    what they share is the store (sessions, invite codes), nothing in memory."""
    mp = pytest.MonkeyPatch()
    mp.setenv("NAERVAER_WEB_RATE_PER_ADDRESS", "0")  # all the parents' browsers come from 127.0.0.1 here
    instances = [replace(s, web_port=services.free_port()) for s in cluster.rasa_settings]
    children: list[services.Child] = []
    try:
        for i, settings in enumerate(instances):
            children.append(services.start_web(settings, name=f"web-{i + 1}"))
        yield [s.web_url for s in instances], children
    finally:
        for child in children:
            child.stop()
        mp.undo()


def test_300_parents_report_at_once_through_two_web_chats_and_each_report_is_stored_once(cluster, web_pair):
    families = add_families(cluster.engine, PARENTS, TODAY)
    with session_scope(cluster.engine) as session:
        codes = [create_invite(session, person_for_sender(session, f.sender)).code for f in families]
    urls, children = web_pair
    # Every turn goes to the other web chat than the turn before it: the session must be found in the store.
    outcomes = asyncio.run(web_rush(families, codes, web_for=lambda i, turn: urls[(i + turn) % 2],
                                    confirm=lambda i: i % 4 != 0))
    _check(outcomes, cluster.engine)
    assert sum(o.thanked for o in outcomes) == len(families) - len(families[::4])
    # What the web chats logged meanwhile holds no code, no child's name and no message text.
    logged = "".join(child.log_tail(10_000_000) for child in children)
    assert logged, "the web chats log their requests"
    leaked = [x for x in [*codes[:20], "Rush0", "er syk i dag", "naervaer_session="] if x in logged]
    assert not leaked, leaked
