"""Bad input through the web page, in a real browser over the real servers: over-long messages, control
characters, markup and script, replayed and expired invite codes, and POSTs without the CSRF token. Each gets a
clear answer, nothing runs, and nothing changes. (The forged button payloads are in test_web_report.py: they
need a store of their own.)"""
from __future__ import annotations

from datetime import timedelta

import pytest

from naervaer import clock
from tests.e2e.browser import Chat, invite
from tests.helpers import pupil_id, records

pytestmark = pytest.mark.e2e

MARKUP = "<script>alert('x')</script><img src=x onerror=alert(1)><b id=injected>Ida</b> er syk"


def polite(answer: dict, status: int) -> str:
    assert answer["status"] == status, answer
    text = (answer["json"] or {}).get("error", "")
    assert text and "Traceback" not in text and "<" not in text, answer
    return text


def test_an_over_long_message_is_cut_by_the_textarea_and_refused_by_the_server(chat):
    chat.page.fill("#text", "a" * 999)
    chat.page.locator("#text").press("End")
    chat.page.keyboard.type("bcd")  # typing stops at maxlength
    assert len(chat.page.input_value("#text")) == 1000
    assert chat.page.locator("#text").get_attribute("maxlength") == "1000"

    polite(chat.post("/api/message", {"text": "a" * 1001}), 400)
    polite(chat.post("/api/message", {"text": "x" * 9000}), 413)
    polite(chat.post("/api/message", {"text": "   "}), 400)
    polite(chat.post("/api/message", "not json"), 400)
    # The page still works after all that.
    assert chat.say("Når er fravær bekymringsfullt?")


def test_markup_and_control_characters_are_shown_as_text_and_run_nothing(chat):
    answer = chat.say(MARKUP + "\u0000\u202e\u200b i dag")
    page = chat.page
    assert chat.dialogs == []  # no alert() ran
    assert page.locator("#injected").count() == 0 and page.locator("#transcript img:not(.chart)").count() == 0
    assert page.locator("#transcript script").count() == 0
    [shown] = page.locator("#transcript li.msg.me p").all_inner_texts()
    assert "<script>alert('x')</script>" in shown  # as the person wrote it, as text
    assert answer.strip()  # and the bot answered something

    # Markup in the code field: the polite refusal, shown as text.
    page.fill("#code", MARKUP)
    page.locator("#sign-in button[type=submit]").click()
    page.locator("#error").wait_for()
    assert chat.error() and "<" not in chat.error()
    assert chat.dialogs == [] and page.locator("#injected").count() == 0
    assert page.locator("#sign-in").is_visible()


def test_a_replayed_and_an_expired_invite_code_get_the_polite_refusal(chat, browser, web):
    code = invite(web.engine, "Kari", "Hansen")
    assert "Kari" in chat.sign_in(code)

    other = browser.new_context(locale="nb-NO")
    try:
        stranger = Chat(other, web).open()
        stranger.sign_in("x" * 43)  # a made-up code: the refusal every bad code gets
        refusal = stranger.error()
        assert refusal
        # Each attempt on its own, not slowed down by the wrong codes before it (that is tests/web's business).
        stranger.page.reload()
        web.forget_wrong_codes()
        stranger.sign_in(code)  # used already, in the first browser
        assert stranger.error() == refusal
        assert stranger.page.locator("#sign-in").is_visible() and stranger.page.locator("#who").inner_text() == ""

        long_ago = clock.now_utc() - timedelta(days=60)  # issued long ago: its 14 days are over
        stranger.page.reload()
        web.forget_wrong_codes()
        stranger.sign_in(invite(web.engine, "Kari", "Hansen", now=long_ago))
        assert stranger.error() == refusal
        stranger.page.reload()
        web.forget_wrong_codes()
        stranger.sign_in(invite(web.engine, "Kari", "Hansen", lifetime=timedelta(seconds=-1)))  # expired just now
        assert stranger.error() == refusal
        assert stranger.page.locator("#sign-in").is_visible()
        # Still anonymous: no pupil data for it.
        answer = stranger.say("Hvor mye fravær har Ida Hansen?")
        assert "Hansen" not in answer, answer
    finally:
        other.close()


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(chat, web):
    ida = pupil_id(web.engine, "Ida", "Hansen")
    before = len(records(web.engine, ida))
    code = invite(web.engine, "Kari", "Hansen")

    polite(chat.post("/api/sign-in", {"code": code}, csrf=None), 403)
    polite(chat.post("/api/sign-in", {"code": code}, csrf="wrong"), 403)
    polite(chat.post("/api/message", {"text": "Ida er syk i dag"}, csrf=None), 403)
    assert chat.page.locator("#sign-in").is_visible()
    # The code was not spent by the refused POSTs: it still signs in, through the page.
    assert "Kari" in chat.sign_in(code)
    polite(chat.post("/api/message", {"text": "Ida er syk i dag"}, csrf=None), 403)
    polite(chat.post("/api/message", {"text": "/affirm"}, csrf="wrong"), 403)
    polite(chat.post("/api/sign-out", {}, csrf=None), 403)
    assert len(records(web.engine, ida)) == before
    chat.page.reload()
    assert chat.page.locator("#who").inner_text() == "Kari"  # the refused sign-out ended nothing
