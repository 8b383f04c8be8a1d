"""The page's own words, through the same gettext catalogs as the bot's (nb, nn, en)."""
from __future__ import annotations

from naervaer.i18n import N_, t
from naervaer.languages import language

PAGE = {
    "title": N_("Nærvær: chat with the school about absence"),
    "heading": N_("Chat with the school about absence"),
    "intro": N_("Ask about the school's guide for worrying absence, or sign in with the code from the school to "
                "report that your child is absent or to follow up a pupil."),
    "privacy": N_("Do not write health details or other sensitive information here. The school only needs to "
                  "know that your child is absent and the kind of reason, which you choose from buttons."),
    "log": N_("Conversation"),
    "message": N_("Your message"),
    "send": N_("Send"),
    "sign_in_legend": N_("Sign in with the invitation code from the school"),
    "code": N_("Invitation code"),
    "sign_in": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "signed_in_as": N_("Signed in as"),
    "statement": N_("Accessibility statement"),
    "download": N_("Download the calendar invitation (.ics)"),
    "chart": N_("Chart of the absence"),
    "offline": N_("No answer from the server. Check your connection and try again."),
    "you": N_("You"),
    "bot": N_("Nærvær"),
}


def page_texts(lang: str) -> dict[str, str]:
    return {key: t(lang, text) for key, text in PAGE.items()}


def direction(lang: str) -> str:
    return "rtl" if getattr(language(lang), "rtl", False) else "ltr"


# The accessibility statement public bodies must publish (likestillings- og diskrimineringsloven § 18,
# WCAG 2.1 AA). The municipality sets its own contact address (NAERVAER_WEB_CONTACT_EMAIL) when it publishes it.
STATEMENT = (
    (N_("How accessible the chat is"), (
        N_("This chat is made to meet the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA, as "
           "Norwegian rules for universal design require."),
        N_("It can be used with the keyboard alone, new answers are read out by screen readers, every button has "
           "its text, and the absence chart has a text that says what it shows. The page works at 320 pixels "
           "wide and at 200% zoom."),
        N_("Each version is checked in a real browser with the automatic tool axe-core, and the whole report of "
           "an absence is tested with the keyboard alone."),
    )),
    (N_("Known gaps"), (
        N_("Automatic checks do not find everything: the chart itself is a picture, so its text is the full "
           "description. The texts of the guides are written by the municipalities and may be hard to read. A "
           "review of the Nynorsk texts by a native speaker is pending."),
    )),
    (N_("Report a problem"), (
        N_("Found something that does not work for you? Write to the municipality at the address below and say "
           "which page and what you tried to do, or tell the school. If you get no answer, you can report it to "
           "Uutilsynet (uutilsynet.no)."),
    )),
)


def statement(lang: str) -> tuple[list[tuple[str, list[str]]], str, str]:
    """The sections (heading, paragraphs), the date line and the link back, in `lang`."""
    sections = [(t(lang, heading), [t(lang, p) for p in paragraphs]) for heading, paragraphs in STATEMENT]
    return sections, t(lang, "Statement written on 2 December 2026."), t(lang, "Back to the chat")
