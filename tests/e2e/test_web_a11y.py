"""The web chat for everyone, in a real browser over the real servers: axe-core finds no WCAG 2.1 A/AA
violation in any state of the page, the page's language follows the conversation, and it reflows at 320 px."""
from __future__ import annotations

import pytest

from tests.e2e.browser import Chat, invite, screenshot

pytestmark = pytest.mark.e2e

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_no_violations(page, state: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    if results.violations_count:
        print(results.generate_report())
    assert results.violations_count == 0, f"{state}: {results.violations_count} axe violation(s)\n" \
                                          f"{results.generate_report()}"


def test_no_axe_violations_empty_with_buttons_and_with_an_error(chat):
    assert_no_violations(chat.page, "empty")
    screenshot(chat.page, "empty")

    chat.say("Når er fravær bekymringsfullt?")
    assert chat.live_choices(), "the bot was expected to ask which municipality, with buttons"
    assert_no_violations(chat.page, "buttons shown")

    # A message of control characters only is nothing once they are taken out: the server says so politely.
    chat.say("\u0007\u0008")
    assert chat.error(), "an error was expected"
    assert chat.page.locator("#error").get_attribute("role") == "alert"
    assert_no_violations(chat.page, "error shown")
    screenshot(chat.page, "error")


def test_no_axe_violations_with_a_chart(chat):
    chat.sign_in(invite(chat.web.engine, "Marte", "Lie"))
    chat.say("hva nå med Ida Hansen?")
    chart = chat.page.locator("#transcript img.chart").last
    chart.wait_for()
    chat.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert_no_violations(chat.page, "chart shown")


@pytest.mark.parametrize(("question", "lang"), [
    ("How much absence has Ida had?", "en"),
    ("Kor mykje fråvær har Ida hatt?", "nn"),
])
def test_the_page_language_follows_the_conversation(chat, question, lang):
    assert chat.lang() == "nb"  # the browser asks for Norwegian Bokmål
    chat.say(question)
    assert chat.lang() == lang
    assert chat.page.evaluate("document.documentElement.dir") == "ltr"
    if lang == "en":  # the page's own texts follow too
        assert chat.page.locator("label[for=text]").inner_text() == "Your message"


def test_the_page_reflows_at_320_px_with_no_horizontal_scroll(browser, web):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nb-NO")
    try:
        chat = Chat(context, web).open()
        width = "document.scrollingElement.scrollWidth"
        assert chat.page.evaluate(width) <= 320
        chat.say("Når er fravær bekymringsfullt?")
        if chat.live_choices():
            chat.press(next(c for c in chat.live_choices() if c.startswith("Alvøen") or "Bergen" in c))
        chat.say("Ei veldig lang melding uten mellomrom: " + "fravær" * 40)
        assert chat.page.evaluate(width) <= 320, chat.page.evaluate(width)
        screenshot(chat.page, "320px")
    finally:
        context.close()


@pytest.mark.parametrize(("message", "lang"), [
    ("مرحبا، أريد الإبلاغ عن غياب ابني", "ar"),
    ("السلام علیکم، میرا بیٹا آج بیمار ہے", "ur"),
])
def test_arabic_and_urdu_turn_the_page_right_to_left_with_no_axe_violations(chat, message, lang):
    """A message in Arabic or Urdu: the answer, the page's own texts and its direction follow, and the menu's
    buttons are there (the words typed are not read)."""
    from naervaer.i18n import t

    assert chat.page.evaluate("document.documentElement.dir") == "ltr"
    chat.say(message)
    assert chat.lang() == lang
    assert chat.page.evaluate("document.documentElement.dir") == "rtl"
    assert chat.page.locator("label[for=text]").inner_text() == t(lang, "Your message") != "Your message"
    assert t(lang, "Report absence") in chat.live_choices()
    assert_no_violations(chat.page, f"{lang}, right to left")
    screenshot(chat.page, f"rtl-{lang}")
