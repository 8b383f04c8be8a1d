"""Who sees what in the web chat, in a real browser over the real servers: a teacher sees her pupil's chart,
an anonymous visitor gets the guides and no pupil data, and nothing of one session (its cookie, its chart,
its invitation file) works in another browser or after signing out."""
from __future__ import annotations

import httpx
import pytest

from tests.e2e.browser import Chat, invite, screenshot

pytestmark = pytest.mark.e2e


def teacher_with_chart(chat: Chat) -> str:
    """Marte Lie signs in and asks for Ida's status; returns the chart's address."""
    welcome = chat.sign_in(invite(chat.web.engine, "Marte", "Lie"))
    assert "Marte" in welcome, welcome
    answer = chat.say("hva nå med Ida Hansen?")
    assert "Ida" in answer, answer
    chart = chat.page.locator("#transcript img.chart").last
    chart.wait_for()
    chat.page.wait_for_function("img => img.complete", arg=chart.element_handle())
    return chart.get_attribute("src") or ""


def test_a_teacher_signs_in_and_sees_her_pupils_chart_with_a_text_alternative(chat):
    src = teacher_with_chart(chat)
    assert src.startswith("/files/"), src
    chart = chat.page.locator("#transcript img.chart").last
    assert chart.evaluate("img => img.naturalWidth") > 0  # the image really loaded
    assert (chart.get_attribute("alt") or "").strip()
    assert chat.page.locator("#who").inner_text() == "Marte"
    assert chat.page.locator("#sign-in").is_hidden() and chat.page.locator("#sign-out").is_visible()
    screenshot(chat.page, "chart")


def test_an_anonymous_visitor_gets_a_guide_answer_and_no_pupil_data(chat):
    first = chat.say("Når er fravær bekymringsfullt?")
    choices = chat.live_choices()
    if choices:  # the bot asks which municipality's guide
        pick = next(c for c in choices if c.startswith("Alvøen") or "Bergen" in c)
        answer = chat.press(pick)
    else:
        answer = first
    assert "fravær" in answer.lower() and len(answer) > 80, answer
    assert chat.page.locator("#who").inner_text() == ""
    pupils = chat.say("Hvor mye fravær har Ida Hansen?")
    assert "Hansen" not in pupils and ("Ida" not in pupils or "vet ikke hvem du er" in pupils), pupils
    assert chat.page.locator("#transcript img.chart").count() == 0


def test_another_browser_cannot_use_the_first_ones_session_chart_or_files(chat, browser, web):
    src = teacher_with_chart(chat)
    cookie = next(c for c in chat.context.cookies() if c["name"] == "naervaer_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    other = browser.new_context()
    try:
        stranger = Chat(other, web).open()
        # Its own, anonymous session: a cookie of its own, nobody signed in.
        mine = next(c for c in other.cookies() if c["name"] == "naervaer_session")
        assert mine["value"] != cookie["value"]
        assert stranger.page.locator("#sign-in").is_visible() and stranger.page.locator("#who").inner_text() == ""
        assert stranger.get(src) == 404  # the chart's address is nothing to it
        shown = stranger.page.goto(web.url + src)
        assert shown.status == 404
    finally:
        other.close()

    # The owner still gets the chart; after signing out, neither the chart nor the old cookie works.
    assert chat.get(src) == 200
    chat.page.reload()  # the page then carries the signed-in session's CSRF token
    csrf = chat.csrf()
    said = chat.sign_out()
    assert chat.page.locator("#transcript img.chart").count() == 0  # what was shown about a pupil is gone
    assert "Ida" not in said
    assert chat.get(src) == 404
    # The old cookie, replayed by hand: refused for the API and the chart; the page starts a new anonymous session.
    with httpx.Client(base_url=web.url, cookies={"naervaer_session": cookie["value"]}) as replay:
        assert replay.get(src).status_code == 404
        asked = replay.post("/api/message", json={"text": "hva nå med Ida Hansen?"}, headers={"X-CSRF-Token": csrf})
        assert asked.status_code == 403 and "error" in asked.json(), asked.text
        page = replay.get("/")
        assert page.status_code == 200
        fresh = page.headers.get("set-cookie", "")
        assert fresh.startswith("naervaer_session=") and cookie["value"] not in fresh  # a new session, not hers
        assert '<span id="who"></span>' in page.text and "Marte" not in page.text
