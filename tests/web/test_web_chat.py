"""The web chat without a browser: what a visitor, a parent and an attacker get from each endpoint."""
from __future__ import annotations

import logging

import httpx
from sqlalchemy import func, select
from starlette.testclient import TestClient

from naervaer.db import session_scope
from naervaer.models import ChatIdentity, WebSession
from tests.web.conftest import Browser, invite
from web.app import create_app
from web.config import WebConfig


def test_the_page_opens_an_anonymous_session_in_a_secure_cookie_under_a_strict_policy(browser):
    page = browser.page
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("naervaer_session=")
    assert all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"))
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="nb" dir="ltr">' in page.text
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline for the policy to allow
    assert browser.client.get("/").headers.get("set-cookie") is None  # the same session on the next visit


def test_the_page_speaks_english_to_a_browser_that_asks_for_it(make_browser):
    page = make_browser(**{"Accept-Language": "en-GB,en;q=0.9"}).page
    assert '<html lang="en"' in page.text and "Chat with the school about absence" in page.text


def test_a_message_goes_to_rasa_under_the_sessions_own_sender_never_one_the_browser_names(browser, rasa):
    response = browser.post("/api/message", {"text": "Hei", "sender": "demo-teacher"})
    assert response.status_code == 200
    assert response.json()["messages"] == [{"text": "Hei!", "buttons": [], "image": None, "attachment": None}]
    [sent] = rasa.seen
    assert sent["sender"].startswith("web:") and sent["sender"] != "demo-teacher"
    assert sent["metadata"] == {"channel": "web"}


def test_without_the_csrf_token_nothing_reaches_rasa(browser, rasa):
    assert browser.post("/api/message", {"text": "Ida er syk i dag"}, csrf=None).status_code == 403
    wrong = browser.post("/api/message", {"text": "Ida er syk i dag"}, csrf="x" * 43)
    assert wrong.status_code == 403 and "Last inn siden" in wrong.json()["error"]
    assert rasa.seen == []


def test_empty_over_long_and_unreadable_messages_get_a_polite_answer_and_reach_nobody(browser, rasa):
    empty = browser.say(" \u0000\u200b ")
    assert empty.status_code == 400 and "tom" in empty.json()["error"]
    long = browser.say("a" * 1001)
    assert long.status_code == 400 and "1000" in long.json()["error"]
    huge = browser.say("a" * 9000)
    assert huge.status_code == 413
    chunks = (b'{"text": "' + b"a" * 1024 for _ in range(16))  # no Content-Length: read only up to the limit
    streamed = browser.client.post("/api/message", content=chunks, headers={"X-CSRF-Token": browser.csrf})
    assert streamed.status_code == 413
    not_json = browser.client.post("/api/message", content=b"{not json", headers={"X-CSRF-Token": browser.csrf,
                                                                                 "Content-Type": "application/json"})
    assert not_json.status_code == 400
    assert rasa.seen == []


def test_control_characters_are_taken_out_and_markup_is_passed_on_as_plain_text(browser, rasa):
    rasa.answer = [{"text": "Hei <img src=x onerror=alert(1)>!"}]
    reply = browser.say("Ida\u202e er\u0007 syk <script>alert(1)</script>")
    assert rasa.seen[0]["message"] == "Ida er syk <script>alert(1)</script>"
    # JSON data, set with textContent by the page: the markup is shown, never run
    assert reply.json()["messages"][0]["text"] == "Hei <img src=x onerror=alert(1)>!"
    assert reply.headers["content-type"].startswith("application/json")


def test_a_name_with_markup_is_escaped_in_the_page(demo_engine, make_browser):
    from naervaer.models import Person
    with session_scope(demo_engine) as session:
        kari = session.scalars(select(Person).where(Person.given_name == "Kari")).first()
        kari.given_name = "<b>Kari</b>"
    browser = make_browser()
    assert browser.sign_in(invite(demo_engine)).status_code == 200
    page = browser.client.get("/").text
    assert "&lt;b&gt;Kari&lt;/b&gt;" in page and "<b>Kari</b>" not in page


def test_signing_in_links_the_same_conversation_to_the_person_and_shuts_out_the_old_cookie(demo_engine, browser,
                                                                                          rasa):
    browser.say("hei")
    old = browser.client.cookies.get("naervaer_session")
    old_csrf = browser.csrf
    signed = browser.sign_in(invite(demo_engine))
    assert signed.status_code == 200 and signed.json()["name"] == "Kari"
    browser.say("Hvor mye fravær har Ida?")
    assert rasa.seen[0]["sender"] == rasa.seen[1]["sender"]
    with session_scope(demo_engine) as session:
        linked = session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == rasa.seen[1]["sender"]))
        assert linked is not None and linked.person.given_name == "Kari"
    # whoever kept the cookie from before the sign-in (a planted session) has nothing
    browser.client.cookies.set("naervaer_session", old, domain="testserver.local")
    replay = browser.client.post("/api/message", json={"text": "hei"}, headers={
        "X-CSRF-Token": old_csrf, "Cookie": f"naervaer_session={old}"})
    assert replay.status_code == 403


def test_a_used_expired_or_made_up_code_gets_one_polite_refusal_and_links_nothing(demo_engine, make_browser):
    code = invite(demo_engine)
    assert make_browser().sign_in(code).status_code == 200
    again = make_browser()
    replayed = again.sign_in(code)
    assert replayed.status_code == 400 and "bare brukes én gang" in replayed.json()["error"]
    assert again.sign_in("<script>alert(1)</script>").status_code == 400
    with session_scope(demo_engine) as session:
        web_links = session.scalar(select(func.count()).select_from(ChatIdentity)
                                   .where(ChatIdentity.sender_id.like("web:%")))
    assert web_links == 1


def test_wrong_codes_in_a_row_are_slowed_down(demo_engine, browser):
    for _ in range(3):
        browser.sign_in("A" * 43)
    slowed = browser.sign_in(invite(demo_engine))  # even a right code waits now
    assert slowed.status_code == 429 and "Vent en stund" in slowed.json()["error"]


def test_signing_out_ends_the_session_and_unlinks_it(demo_engine, browser, rasa):
    browser.sign_in(invite(demo_engine))
    browser.say("hei")
    sender = rasa.seen[-1]["sender"]
    old = browser.client.cookies.get("naervaer_session")
    out = browser.post("/api/sign-out")
    assert out.status_code == 200 and "logget ut" in out.json()["message"]
    with session_scope(demo_engine) as session:
        assert session.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender)) is None
        ended = session.scalar(select(WebSession).where(WebSession.sender_id == sender))
        assert ended.ended_at is not None
    replay = browser.client.post("/api/message", json={"text": "hei"}, headers={
        "X-CSRF-Token": browser.csrf, "Cookie": f"naervaer_session={old}"})
    assert replay.status_code == 403


def test_a_chart_and_an_invitation_are_served_to_their_session_only(config, make_browser, rasa, tmp_path):
    chart = tmp_path / "charts" / "absence-1.png"
    chart.parent.mkdir()
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    ics = tmp_path / "invitations" / "meeting-1.ics"
    ics.parent.mkdir()
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    rasa.answer = [{"custom": {"image_alt": "Diagram over fraværet til Ida"}}, {"image": str(chart)},
                   {"text": "Kalenderinvitasjonen til møtet:"}, {"attachment": str(ics)}]
    owner = make_browser()
    messages = owner.say("hva nå med Ida?").json()["messages"]
    image, attachment = messages[0]["image"], messages[2]["attachment"]
    assert image["alt"] == "Diagram over fraværet til Ida" and str(tmp_path) not in str(messages)
    assert owner.client.get(image["url"]).content == chart.read_bytes()
    download = owner.client.get(attachment["url"])
    assert download.headers["content-type"].startswith("text/calendar")
    assert download.headers["content-disposition"].startswith("attachment")
    stranger = make_browser()
    assert stranger.client.get(image["url"]).status_code == 404
    assert stranger.client.get(attachment["url"]).status_code == 404


def test_a_file_outside_the_var_directory_is_never_served(make_browser, rasa, tmp_path):
    outside = tmp_path.parent / "secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    rasa.answer = [{"text": "Her:"}, {"image": str(outside)}, {"image": "/etc/passwd"}]
    messages = make_browser().say("vis").json()["messages"]
    assert [m["image"] for m in messages] == [None]


def test_the_language_of_the_reply_becomes_the_pages(browser, rasa):
    rasa.answer = [{"text": "Ida has been away 4 days."}, {"custom": {"lang": "en"}}]
    reply = browser.say("How much absence has Ida had?").json()
    assert reply["lang"] == "en" and reply["texts"]["send"] == "Send"
    assert '<html lang="en"' in browser.client.get("/").text  # and it stays so on the next visit


def test_too_many_messages_are_answered_politely(config, make_browser, rasa):
    browser = make_browser()
    answers = [browser.say(f"hei {i}").status_code for i in range(config.per_session + 1)]
    assert answers[:-1] == [200] * config.per_session and answers[-1] == 429
    assert len(rasa.seen) == config.per_session


def test_when_rasa_does_not_answer_the_visitor_is_told_to_contact_the_school(browser, rasa):
    rasa.down = True
    down = browser.say("Ida er syk i dag")
    assert down.status_code == 503 and "ta kontakt med skolen" in down.json()["error"]
    rasa.down, rasa.answer = False, []  # the action server is down: Rasa answers nothing
    assert browser.say("Ida er syk i dag").status_code == 503


def test_the_accessibility_statement_and_the_widget_are_there(browser):
    statement = browser.client.get("/tilgjengelighet")
    assert statement.status_code == 200 and "WCAG" in statement.text and "uutilsynet" in statement.text.lower()
    widget = browser.client.get("/widget.js")
    assert widget.headers["content-type"].startswith("text/javascript") and "iframe" in widget.text


def test_an_invite_code_typed_into_the_chat_is_not_passed_on(demo_engine, browser, rasa):
    reply = browser.say(invite(demo_engine))
    hint = reply.json()["messages"][0]["text"].lower()
    assert reply.status_code == 200 and ("kode" in hint or "code" in hint)  # nb, or the msgid until translated
    assert rasa.seen == []
    browser.say("Skolefravaersoppfolgingsrutine")  # a long word is a message, not a code
    assert len(rasa.seen) == 1


def test_a_post_without_a_session_is_refused(make_browser, rasa):
    stranger = make_browser()
    stranger.client.cookies.clear()
    assert stranger.say("hei").status_code == 403
    assert stranger.post("/api/sign-out").status_code == 403
    assert rasa.seen == []


def test_too_many_requests_from_one_address_are_answered_politely(demo_engine, tmp_path, rasa):
    config = WebConfig(rasa_url="http://rasa.invalid", var_dir=tmp_path, database_url=str(demo_engine.url),
                       per_address=3)
    app = create_app(config, engine=demo_engine, transport=httpx.MockTransport(rasa.handler))
    browser = Browser(TestClient(app, base_url="https://testserver"))  # opening the page (a new session) counts
    assert [browser.say("hei").status_code for _ in range(3)] == [200, 200, 429]
    assert "vent et minutt" in browser.say("hei").json()["error"].lower()
    assert len(rasa.seen) == 2
    new_visitor = TestClient(app, base_url="https://testserver").get("/")
    assert new_visitor.status_code == 429 and "set-cookie" not in new_visitor.headers


def test_answers_from_the_api_and_the_files_are_never_cached(browser):
    assert browser.say("hei").headers["cache-control"] == "no-store"
    assert browser.post("/api/message", {"text": "hei"}, csrf=None).headers["cache-control"] == "no-store"
    assert browser.client.get("/files/nothing").headers["cache-control"] == "no-store"
    assert browser.client.get("/static/chat.js").headers["content-security-policy"].startswith("default-src 'none'")


def test_the_app_is_built_from_the_cores_settings_and_may_be_framed_by_the_municipality(demo_engine, monkeypatch,
                                                                                     rasa, tmp_path):
    from naervaer.settings import load_settings
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("NAERVAER_WEB_FRAME_ANCESTORS", "https://www.kommune.example")
    app = create_app(load_settings(), rasa_url="http://rasa.elsewhere", engine=demo_engine,
                     transport=httpx.MockTransport(rasa.handler))
    browser = Browser(TestClient(app, base_url="https://testserver"))
    assert browser.page.headers["content-security-policy"].endswith(
        "frame-ancestors 'self' https://www.kommune.example")
    browser.say("hei")
    assert rasa.urls == ["http://rasa.elsewhere/webhooks/rest/webhook"]


def test_the_log_holds_no_message_code_name_or_cookie(demo_engine, browser, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    code = invite(demo_engine)
    browser.sign_in("A" * 43)
    browser.sign_in(code)
    browser.say("Ida er syk i dag")
    browser.client.get("/files/some-secret-name")
    rasa.down = True
    browser.say("Ida er syk i dag")
    # the test's own client logs its requests' URLs; the app's records are what count
    logged = "\n".join(r.getMessage() for r in caplog.records if "https://testserver" not in r.getMessage())
    assert "POST /api/message 200" in logged and "an invite code was refused" in logged
    for secret in (code, "A" * 43, "Ida", "Kari", "syk", browser.client.cookies.get("naervaer_session"),
                   browser.csrf, "some-secret-name"):
        assert secret not in logged
