"""Telegram answering 429 Too Many Requests and 5xx (issue 8, fault tests).

The fake Bot API answers scripted faults per method (``FakeBotApi.fail`` / ``throttle``): 429 with
Telegram's error JSON and ``parameters.retry_after``, 5xx with Telegram's JSON or a proxy's HTML page.
The user must get every reply once Telegram recovers, nothing confirmed may be lost or stored twice (only
the Telegram call is repeated, never the message to Rasa), polling must go on by itself, and the morning
job must neither lose a message nor send it twice.

Most tests run the handlers with no network (python-telegram-bot talks to the fake in-process, Rasa is an
httpx mock transport); the last one is end to end (``-m e2e``): the fake over HTTP, the bot polling it
through python-telegram-bot's own AIORateLimiter, and the real Rasa and action servers.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import delete, select
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.jobs import morning_job, send_digest, send_morning, send_threshold_notices
from bot.main import ALLOWED_UPDATES, build_application
from bot.rasa import RasaClient
from naervaer.absence import AbsenceKind
from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import (
    AbsenceRecord, Channel, ChatIdentity, Contact, GuardianRelation, Guardianship, Person, Pupil, TelegramChat, ThresholdNotice,
)
from tests.bot.conftest import make_config
from tests.bot.fake_telegram import FakeBotApi, FakeRequest
from tests.bot.live import LiveBot, bot_against_fake_api
from tests.helpers import TODAY, pupil_id, records

PARENT, MARTE = 434343, 600001
FAST = {"send_backoff": 0.01}  # the bot's pauses between attempts, short for the tests
THANKS = "Takk, skolen vet nå"
NOT_DELIVERED = "Beklager, Telegram svarte ikke"


class FakeRasa:
    """The REST channel: answers from a script, records what it was sent (to prove nothing went twice)."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.answer: list[dict] = [{"text": "Hei!"}]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(json.loads(request.content)["message"])
        return httpx.Response(200, json=self.answer)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


def build(api: FakeBotApi, engine, rasa: FakeRasa, *, attempts: int = 6, rate_limit: bool = False):  # noqa: ANN001
    app = build_application(make_config(api, send_attempts=attempts, redelivery_delay=600, **FAST), engine=engine,
                            request=FakeRequest(api), rate_limit=rate_limit, schedule=False)
    app.bot_data["services"].rasa = RasaClient("http://rasa.invalid", transport=httpx.MockTransport(rasa))
    return app


@pytest.fixture
async def app(demo_engine, fake_api: FakeBotApi, rasa: FakeRasa):
    application = build(fake_api, demo_engine, rasa)
    async with application:
        yield application


async def feed(app, update: dict) -> None:  # noqa: ANN001
    await app.process_update(Update.de_json(update, app.bot))


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.sent(chat_id, "sendMessage")]


async def link(app, api: FakeBotApi, engine, user_id: int, given: str, family: str) -> None:  # noqa: ANN001
    with session_scope(engine) as s:
        person = s.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)).first()
        code = create_invite(s, person).code
    await feed(app, api.private_text(user_id, f"/start {code}"))
    assert texts(api, user_id)[-1].startswith(f"Velkommen, {given}!")


def assert_logs_clean(caplog: pytest.LogCaptureFixture, api: FakeBotApi, *secrets: str) -> None:
    for secret in (api.token, *secrets):
        assert secret not in caplog.text


# --- the fake is as strict as Telegram, and what python-telegram-bot makes of its answers ----------------

pytestmark = pytest.mark.anyio


async def test_the_fake_answers_429_and_5xx_like_telegram_and_a_proxy(fake_api):
    fake_api.private_text(PARENT, "hei")
    fake_api.throttle("sendMessage", retry_after=3)
    fake_api.fail("sendMessage", status=500)
    fake_api.fail("sendMessage", status=502, json_body=False)
    request = FakeRequest(fake_api)
    url = f"https://api.telegram.org/bot{fake_api.token}/sendMessage"

    async def raw() -> tuple[int, bytes]:
        from telegram.request import RequestData
        from telegram.request._requestparameter import RequestParameter
        data = RequestData([RequestParameter("chat_id", PARENT, []), RequestParameter("text", "x", [])])
        return await request.do_request(url, "POST", data)

    status, body = await raw()
    assert status == 429 and json.loads(body) == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3}}
    status, body = await raw()
    assert status == 500 and json.loads(body) == {"ok": False, "error_code": 500,
                                                  "description": "Internal Server Error"}
    status, body = await raw()
    assert status == 502 and body.startswith(b"<html>") and b"502 Bad Gateway" in body
    status, body = await raw()  # Telegram is back
    assert status == 200 and json.loads(body)["result"]["text"] == "x"
    assert fake_api.faulted == [("sendMessage", 429), ("sendMessage", 500), ("sendMessage", 502)]
    assert fake_api.errors == [] and len(fake_api.sent(PARENT, "sendMessage")) == 1
    with pytest.raises(ValueError):
        fake_api.fail("sendMessage", status=429)  # Telegram's 429 always says how long to wait


async def test_what_python_telegram_bot_raises_without_the_bots_retry(demo_engine, fake_api, rasa):
    """Checked against the library: 429 is RetryAfter, a 5xx with JSON or HTML is a NetworkError (the
    proxy's page is not JSON, so the parse fails inside), a 400 is BadRequest; none is retried here."""
    app = build(fake_api, demo_engine, rasa, attempts=1)
    fake_api.private_text(PARENT, "hei")
    async with app:
        fake_api.throttle("sendMessage", retry_after=7)
        with pytest.raises(RetryAfter) as error:
            await app.bot.send_message(PARENT, "x")
        assert error.value._retry_after == timedelta(seconds=7)
        fake_api.fail("sendMessage", status=503)
        with pytest.raises(NetworkError, match="Service Unavailable"):
            await app.bot.send_message(PARENT, "x")
        fake_api.fail("sendMessage", status=502, json_body=False)
        with pytest.raises(NetworkError, match=r"Bad Gateway \(502\)"):
            await app.bot.send_message(PARENT, "x")
        with pytest.raises(BadRequest):
            await app.bot.send_message(PARENT, "")
    assert fake_api.sent(PARENT, "sendMessage") == []


# --- replies to users ------------------------------------------------------------------------------------

async def test_a_reply_refused_with_5xx_arrives_once_telegram_recovers_and_rasa_hears_it_once(app, fake_api, rasa,
                                                                                             caplog):
    caplog.set_level(logging.INFO)  # as bot.main.configure_logging sets it (PTB logs parameters at DEBUG)
    rasa.answer = [{"text": "Ida er borte i dag. Stemmer det?",
                    "buttons": [{"title": "Ja, send", "payload": "/affirm"}]}]
    fake_api.fail("sendMessage", status=500)
    fake_api.fail("sendMessage", status=502, json_body=False)
    fake_api.fail("sendMessage", status=504)
    await feed(app, fake_api.private_text(PARENT, "Ida er syk i dag"))
    assert rasa.received == ["Ida er syk i dag"]  # the message went to Rasa once, only the send was repeated
    assert texts(fake_api, PARENT) == ["Ida er borte i dag. Stemmer det?"]
    assert fake_api.faulted == [("sendMessage", 500), ("sendMessage", 502), ("sendMessage", 504)]
    assert "attempt 3 of 6" in caplog.text
    assert_logs_clean(caplog, fake_api, "Ida", "syk", "Stemmer")

    rasa.answer = [{"text": "Fint."}]  # the next update is handled as usual
    await feed(app, fake_api.private_text(PARENT, "takk"))
    assert texts(fake_api, PARENT)[-1] == "Fint." and rasa.received[-1] == "takk"


async def test_a_reply_throttled_with_429_waits_retry_after_and_arrives(app, fake_api, rasa, caplog):
    caplog.set_level(logging.INFO)
    fake_api.throttle("sendMessage", retry_after=1)
    started = time.monotonic()
    await feed(app, fake_api.private_text(PARENT, "hei"))
    assert time.monotonic() - started >= 1.0  # Telegram's retry_after is honoured, not the short backoff
    assert texts(fake_api, PARENT) == ["Hei!"] and rasa.received == ["hei"]
    assert fake_api.faulted == [("sendMessage", 429)]
    assert "RetryAfter" in caplog.text
    assert_logs_clean(caplog, fake_api, "Hei!")


async def test_a_button_press_answered_through_faults_is_forwarded_once(app, fake_api, rasa, demo_engine):
    await link(app, fake_api, demo_engine, PARENT, "Kari", "Hansen")
    rasa.answer = [{"text": "Stemmer det?", "buttons": [{"title": "Ja, send", "payload": "/affirm"}]}]
    await feed(app, fake_api.private_text(PARENT, "Ida er syk i dag"))
    question = fake_api.messages[max(fake_api.messages)]
    rasa.answer = [{"text": f"{THANKS} at Ida er borte."}, {"text": "Kontaktlæreren er Marte Lie."}]
    fake_api.fail("answerCallbackQuery", times=2, status=502, json_body=False)
    fake_api.throttle("sendMessage", retry_after=1)
    fake_api.fail("sendMessage", status=503)
    await feed(app, fake_api.press(PARENT, question, "Ja, send"))
    assert rasa.received.count("/affirm") == 1
    assert len(fake_api.sent(method="answerCallbackQuery")) == 1 and not fake_api.open_queries
    assert texts(fake_api, PARENT)[-2:] == [f"{THANKS} at Ida er borte.", "Kontaktlæreren er Marte Lie."]
    assert fake_api.faults_left() == 0 and fake_api.errors == []


async def test_a_press_whose_answer_never_gets_through_still_counts(demo_engine, fake_api, rasa):
    app = build(fake_api, demo_engine, rasa, attempts=2)
    async with app:
        rasa.answer = [{"text": "Velg:", "buttons": [{"title": "A", "payload": "/a"}]}]
        await feed(app, fake_api.private_text(PARENT, "hei"))
        fake_api.fail("answerCallbackQuery", times=2, status=500)
        rasa.answer = [{"text": "Du valgte A."}]
        await feed(app, fake_api.press(PARENT, fake_api.messages[max(fake_api.messages)], "A"))
    assert rasa.received == ["hei", "/a"] and texts(fake_api, PARENT)[-1] == "Du valgte A."


async def test_when_telegram_stays_down_the_user_is_told_the_message_arrived_and_nothing_is_repeated(
        demo_engine, fake_api, rasa, caplog):
    app = build(fake_api, demo_engine, rasa, attempts=2)
    caplog.set_level(logging.INFO)
    async with app:
        rasa.answer = [{"text": f"{THANKS} at Ida er borte mandag 23. november."}]
        fake_api.fail("sendMessage", times=2, status=502)  # both attempts at the reply fail
        await feed(app, fake_api.private_text(PARENT, "Ja, send"))
        assert rasa.received == ["Ja, send"]
        [notice] = texts(fake_api, PARENT)  # Telegram is back for the error handler's message
        assert notice.startswith(NOT_DELIVERED) and "ikke å sende det på nytt" in notice
        assert "ReplyNotDelivered" in caplog.text and "giving up" in caplog.text
        assert_logs_clean(caplog, fake_api, "Takk", "Ida")

        rasa.answer = [{"text": "Hei igjen."}]  # no restart needed
        await feed(app, fake_api.private_text(PARENT, "hei"))
        assert texts(fake_api, PARENT)[-1] == "Hei igjen."


async def test_a_400_is_final_and_not_retried(app, fake_api):
    fake_api.private_text(PARENT, "hei")
    with pytest.raises(BadRequest):
        await app.bot.send_message(PARENT, "x" * 4097)
    assert len(fake_api.errors) == 1


async def test_polling_goes_on_after_get_updates_answers_5xx_and_429(demo_engine, fake_api, rasa, caplog):
    app = build(fake_api, demo_engine, rasa)
    caplog.set_level(logging.INFO)
    fake_api.fail("getUpdates", status=502, json_body=False)
    fake_api.throttle("getUpdates", retry_after=1)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.02, timeout=0, allowed_updates=ALLOWED_UPDATES)
        try:
            fake_api.private_text(PARENT, "hei")
            deadline = time.monotonic() + 15
            while not texts(fake_api, PARENT) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert texts(fake_api, PARENT) == ["Hei!"]
            assert fake_api.faulted == [("getUpdates", 502), ("getUpdates", 429)]
            rasa.answer = [{"text": "Igjen."}]
            fake_api.private_text(PARENT, "en gang til")
            while len(texts(fake_api, PARENT)) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert texts(fake_api, PARENT)[-1] == "Igjen." and rasa.received == ["hei", "en gang til"]
        finally:
            await app.updater.stop()
            await app.stop()
    assert_logs_clean(caplog, fake_api, "hei")


# --- the morning job -----------------------------------------------------------------------------------

def _absent_today(engine, given: str, family: str) -> None:  # noqa: ANN001
    with session_scope(engine) as s:
        pupil = s.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                         .where(Person.given_name == given, Person.family_name == family))
        if not s.scalars(select(AbsenceRecord).where(AbsenceRecord.pupil_id == pupil.id,
                                                     AbsenceRecord.on == TODAY)).first():
            s.add(AbsenceRecord(pupil_id=pupil.id, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.IMPORT))
        # "with no word from home": a contact another test of the session logged (the teacher reached the
        # home) takes the pupil off the digest, so it goes (naervaer.rules.streaks)
        s.execute(delete(Contact).where(Contact.pupil_id == pupil.id))


def digests_to(api: FakeBotApi, chat_id: int) -> list[str]:
    return [t for t in texts(api, chat_id) if t.startswith("God morgen")]


async def test_the_digest_is_retried_after_a_5xx_and_reaches_the_teacher_once(app, fake_api, demo_engine):
    await link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
    _absent_today(demo_engine, "Eirik", "Berg")
    fake_api.fail("sendMessage", status=502, json_body=False)
    assert await send_digest(app, TODAY) == 1
    [digest] = digests_to(fake_api, MARTE)
    assert "Eirik Berg, 6A" in digest and fake_api.faulted == [("sendMessage", 502)]
    assert await send_digest(app, TODAY) == 0  # a second run the same day does not send it again
    assert len(digests_to(fake_api, MARTE)) == 1


async def test_a_digest_telegram_kept_refusing_is_sent_by_the_next_run_and_only_then(demo_engine, fake_api, rasa,
                                                                                     monkeypatch):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())  # the job itself runs for "today"
    app = build(fake_api, demo_engine, rasa, attempts=2)
    async with app:
        await link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
        _absent_today(demo_engine, "Eirik", "Berg")
        services = app.bot_data["services"]
        fake_api.fail("sendMessage", times=2, status=503)
        scheduled: list[dict] = []
        queue = SimpleNamespace(run_once=lambda callback, when, data, name: scheduled.append(
            {"callback": callback, "when": when, "data": data, "name": name}))
        await morning_job(SimpleNamespace(application=app, job=None, job_queue=queue))
        assert digests_to(fake_api, MARTE) == [] and services.undelivered == 1
        assert [(s["when"], s["data"]["left"], s["name"]) for s in scheduled] == [(600, 2, "morning-redelivery")]

        on = scheduled[0]["data"]["on"]  # the redelivery run, as the job queue would start it
        await morning_job(SimpleNamespace(application=app, job=SimpleNamespace(data=scheduled[0]["data"]),
                                          job_queue=queue))
        assert len(digests_to(fake_api, MARTE)) == 1 and len(scheduled) == 1  # delivered: nothing more planned
        assert (await send_morning(app, on))["digest"] == 0  # and never twice
        assert len(digests_to(fake_api, MARTE)) == 1


async def test_redelivery_runs_are_bounded(demo_engine, fake_api, rasa, monkeypatch):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())
    app = build(fake_api, demo_engine, rasa, attempts=1)
    async with app:
        await link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
        _absent_today(demo_engine, "Eirik", "Berg")
        fake_api.fail("sendMessage", times=100, status=500)
        scheduled: list[dict] = []
        queue = SimpleNamespace(run_once=lambda callback, when, data, name: scheduled.append(data))
        job = None
        for _ in range(5):
            await morning_job(SimpleNamespace(application=app, job=job, job_queue=queue))
            job = SimpleNamespace(data=scheduled[-1])
        assert [d["left"] for d in scheduled] == [2, 1, 0]  # three redelivery runs, then it stops
        assert digests_to(fake_api, MARTE) == []


async def test_a_threshold_notice_refused_is_not_recorded_and_is_sent_once_later(demo_engine, fake_api, rasa):
    pytest.importorskip("naervaer.flags")
    from sqlalchemy import delete, func

    app = build(fake_api, demo_engine, rasa, attempts=2)
    async with app:
        await link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
        with session_scope(demo_engine) as s:
            eirik = s.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                             .where(Person.given_name == "Eirik", Person.family_name == "Berg"))
            s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == eirik.id))
            for days_back in (5, 4, 3, 0):
                s.add(AbsenceRecord(pupil_id=eirik.id, on=TODAY - timedelta(days=days_back), kind=AbsenceKind.DAY,
                                    channel=Channel.IMPORT))

        def notices() -> list[str]:
            return [t for t in texts(fake_api, MARTE) if t.startswith("Eirik Berg har passert en grense")]

        def recorded() -> int:
            with session_scope(demo_engine) as s:
                return s.scalar(select(func.count()).select_from(ThresholdNotice)
                                .where(ThresholdNotice.pupil_id == eirik.id))

        fake_api.fail("sendMessage", times=2, status=502)
        assert await send_threshold_notices(app, TODAY) == 0
        assert notices() == [] and recorded() == 0  # not marked as delivered
        sent = await send_threshold_notices(app, TODAY)
        assert sent >= 1 and len(notices()) == 1 and recorded() >= 1
        assert await send_threshold_notices(app, TODAY) == 0 and len(notices()) == 1


# --- end to end: real Rasa and action servers, the fake over HTTP, python-telegram-bot's rate limiter ----

NOAH_MOTHER = 530001


@pytest.fixture
def live(stack) -> Iterator[tuple[FakeBotApi, LiveBot]]:
    with bot_against_fake_api(stack, **FAST) as running:  # with AIORateLimiter
        yield running


def _say(api: FakeBotApi, user: int, text: str) -> list[dict]:
    after = api.last_message_id()
    api.private_text(user, text, first_name="Mor")
    return api.wait_for_reply(user, after, quiet=1.5)


def _press(api: FakeBotApi, user: int, message: dict, start: str) -> list[dict]:
    title = next(b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                 if b["text"].startswith(start))
    after = api.last_message_id()
    api.press(user, message, title)
    return api.wait_for_reply(user, after, quiet=1.5)


@pytest.mark.e2e
def test_e2e_a_parent_reports_absence_through_429_and_502_and_the_digest_survives_a_5xx(stack, live):
    api, bot = live
    engine = stack.engine
    with session_scope(engine) as s:  # Noah Bakke (6A, Jevnaker): his mother, with parental responsibility
        mother = s.get(Person, _noahs_mother_id(s))
        code = create_invite(s, mother).code
    assert records(engine, pupil_id(engine, "Noah", "Bakke"), on=TODAY) == [], "the shared store already has Noah's absence today"

    api.throttle("sendMessage", retry_after=1)  # the welcome: 429 first
    assert _say(api, NOAH_MOTHER, f"/start {code}")[0]["text"].startswith("Velkommen,")

    api.fail("sendMessage", status=502, json_body=False)  # the first question: a proxy's 502
    question = _say(api, NOAH_MOTHER, "Noah er syk i dag")[-1]
    assert "Hele dagen, eller en del av den?" in question["text"]

    api.fail("answerCallbackQuery", status=502)
    api.throttle("sendMessage", retry_after=1)
    confirm = _press(api, NOAH_MOTHER, question, "Hele dagen")[-1]
    assert "Stemmer det?" in confirm["text"]
    assert records(engine, pupil_id(engine, "Noah", "Bakke"), on=TODAY) == []  # nothing stored before the confirmation

    api.throttle("answerCallbackQuery", retry_after=1)
    api.fail("sendMessage", status=502, json_body=False)  # the thanks, after the report was stored
    api.fail("sendMessage", status=503)
    thanks = _press(api, NOAH_MOTHER, confirm, "Ja")
    assert THANKS in "\n".join(m.get("text", "") for m in thanks)
    [stored] = records(engine, pupil_id(engine, "Noah", "Bakke"), on=TODAY)  # exactly once
    assert (stored.announced_by_home, stored.channel) == (True, Channel.CHAT)
    assert api.faults_left() == 0
    assert sorted(api.faulted) == sorted([("sendMessage", 429), ("sendMessage", 502), ("answerCallbackQuery", 502),
                                          ("sendMessage", 429), ("answerCallbackQuery", 429), ("sendMessage", 502),
                                          ("sendMessage", 503)])
    assert len(api.sent(method="answerCallbackQuery")) == 2 and not api.open_queries
    assert not any(m.get("text", "").startswith(NOT_DELIVERED) for m in api.messages.values())

    # The morning digest: Marte (contact teacher of 6A) linked; the first sendMessage of the run answers 5xx.
    with session_scope(engine) as s:
        marte = s.scalar(select(Person).where(Person.given_name == "Marte", Person.family_name == "Lie"))
        linked = list(s.scalars(select(TelegramChat.chat_id)))
        marte_code = create_invite(s, marte).code if not _linked(s, marte.id) else None
    for chat_id in linked:  # people other tests of this session linked wrote to the bot before: known chats
        api.known_chats.setdefault(chat_id, {"id": chat_id, "type": "private", "first_name": "Tidligere"})
    if marte_code:
        assert _say(api, MARTE, f"/start {marte_code}")[0]["text"].startswith("Velkommen, Marte!")
    _absent_today(engine, "Eirik", "Berg")
    with session_scope(engine) as s:
        marte_chats = set(s.scalars(select(TelegramChat.chat_id)
                                    .join(ChatIdentity, ChatIdentity.sender_id == TelegramChat.sender_id)
                                    .where(ChatIdentity.person_id == marte.id)))
    calls, faulted = len(api.calls), len(api.faulted)
    api.fail("sendMessage", status=502, json_body=False)
    sent = bot.call(send_digest(bot.app, TODAY))
    assert api.faulted[faulted:] == [("sendMessage", 502)]
    run = [c for c in api.calls[calls:] if c.method == "sendMessage"]
    per_chat = [int(c.params["chat_id"]) for c in run]
    assert sent == len(per_chat) == len(set(per_chat))  # every teacher once
    to_marte = [c.params["text"] for c in run if int(c.params["chat_id"]) in marte_chats]
    assert len(to_marte) == len(marte_chats) and all("Eirik Berg, 6A" in t for t in to_marte)
    assert "Noah Bakke" not in "\n".join(to_marte)  # his mother reported it
    assert bot.call(send_digest(bot.app, TODAY)) == 0  # and not again the same day


def _noahs_mother_id(session) -> int:  # noqa: ANN001
    return session.scalar(
        select(Guardianship.guardian_id).join(Pupil, Pupil.id == Guardianship.pupil_id)
        .join(Person, Person.id == Pupil.person_id)
        .where(Person.given_name == "Noah", Person.family_name == "Bakke",
               Guardianship.relation == GuardianRelation.MOTHER, Guardianship.parental_responsibility.is_(True)))


def _linked(session, person_id: int) -> bool:  # noqa: ANN001
    return session.scalar(select(ChatIdentity.id).join(TelegramChat, TelegramChat.sender_id == ChatIdentity.sender_id)
                          .where(ChatIdentity.person_id == person_id)) is not None
