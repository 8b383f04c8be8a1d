"""Reading the Rasa REST channel's reply: what a front end shows, and the facts it is told beside the words."""
from __future__ import annotations

from naervaer.chat_client import parse_messages, reply_language, silent


def test_an_images_text_alternative_travels_with_the_image_and_is_not_a_message_of_its_own():
    payload = [{"text": "Ida har 4 dager fravær."}, {"custom": {"image_alt": "Diagram over fraværet"}},
               {"image": "/var/charts/a.png"}, {"image": "/var/charts/b.png"}, {"custom": {"lang": "nn"}}]
    messages = parse_messages(payload)
    assert [(m.text, m.image, m.image_alt) for m in messages] == [
        ("Ida har 4 dager fravær.", None, ""), ("", "/var/charts/a.png", "Diagram over fraværet"),
        ("", "/var/charts/b.png", "")]  # the second image had no text of its own
    assert reply_language(payload) == "nn"


def test_an_attachment_is_something_to_show_and_a_language_alone_is_nothing():
    assert not silent(parse_messages([{"attachment": "/var/invitations/meeting-1.ics"}]))
    assert silent(parse_messages([{"custom": {"lang": "nb"}}]))
    assert reply_language([{"text": "Hei!"}]) is None  # Rasa's own responses say no language
