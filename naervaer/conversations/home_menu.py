"""The chat on buttons, for a person writing in a home language (naervaer.languages): what they may do, as
buttons in their own language, and the reply to a typed message, which is never read (docs/languages.md)."""
from __future__ import annotations

from naervaer.i18n import N_, t
from naervaer.languages import LANGUAGES, language, typed
from naervaer.replies import Button, Reply

# The picker's own label: every language's word for "language", so anyone finds it whatever is on screen.
LANGUAGE_LABEL = "🌐 Language / Språk / Język / Kalba / Мова / اللغة / Luqadda / ቋንቋ / زبان"

MENU = (
    (N_("Report absence"), "report_absence"),
    (N_("Withdraw a report"), "cancel_report"),
    (N_("How much absence?"), "ask_absence"),
    (N_("Talk to a person"), "ask_human"),
    (N_("What can you do?"), "help"),
)


def menu_buttons(lang: str) -> list[Button]:
    return [*(Button.for_intent(t(lang, title), intent) for title, intent in MENU),
            Button.for_intent(LANGUAGE_LABEL, "choose_language")]


def language_buttons() -> list[Button]:
    """Every language, each named in itself."""
    return [Button.for_intent(language(code).name, "choose_language", language=code) for code in LANGUAGES]


def not_read(lang: str, written: str | None, *, menu: bool = True) -> Reply:
    """A message typed in the home language `written`, answered in `lang`: nothing in it is read or kept; the
    menu's buttons are offered instead (inside the report, its question comes again instead: `menu=False`)."""
    return Reply().say(t(lang, "I can't read typed messages in {language}, so nothing you wrote was read or stored. "
                               "Please choose with the buttons.", language=language(written or lang).name),
                       menu_buttons(lang) if menu else ())


def with_menu(reply: Reply, lang: str) -> Reply:
    """A reply in a home language that offers no buttons ends with the menu: a person who cannot type in the
    chat's languages must never be left without a way on."""
    if typed(lang) or any(message.buttons for message in reply.messages):
        return reply
    reply.say(t(lang, "What would you like to do next?"), menu_buttons(lang))
    return reply
