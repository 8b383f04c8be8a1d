"""Withdrawing a report through the real Rasa and action servers: a withdrawal naming another child withdraws
nothing, a forged "yes" for another family's child changes nothing, and the asker's own report goes only after
the question naming the child and the day is answered with its button."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Stack, demo_stack
from tests.e2e.families import linked_sender
from tests.helpers import TODAY, pupil_id, records

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A store of its own: the report and the first-day contact made here would change what the session's
    other tests find for Ida (test_flows counts her days and her one first-day contact)."""
    with demo_stack(trained_model, tmp_path_factory.mktemp("var-withdraw"), TODAY) as running:
        yield running


def kari(stack) -> str:
    """A fresh chat linked to Kari Hansen, Ida Hansen's mother (parental responsibility)."""
    return linked_sender(stack.engine, "Kari", "Hansen")


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def payloads(messages) -> list[str]:
    return [b["payload"] for m in messages for b in m.buttons]


def report_ida_today(stack, sender: str) -> None:
    reply = stack.chat.send(sender, "Ida er syk i dag")
    for title in ("Hele dagen", "Ja"):
        button = next(b for m in reply for b in m.buttons if b["title"].startswith(title))
        reply = stack.chat.send(sender, button["payload"])
    # Another test of the session may have reported her already: then it is the same report.
    assert "Takk, skolen vet nå at Ida er borte" in texts(reply) or "allerede meldt" in texts(reply), texts(reply)


def test_a_withdrawal_naming_another_child_withdraws_nothing(stack):
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    sender = kari(stack)
    report_ida_today(stack, sender)
    before = sorted(r.id for r in records(stack.engine, ida, on=TODAY))
    assert before

    reply = stack.chat.send(sender, "trekk tilbake meldingen om Tobias")
    assert "Tobias" in texts(reply), texts(reply)
    # "er trukket tilbake" is the success sentence; the refusal itself says "Ingenting ble trukket tilbake".
    assert "Ida" not in texts(reply) and "er trukket tilbake" not in texts(reply), texts(reply)
    assert not any(p.startswith("/cancel_report{") for p in payloads(reply))  # no "yes" to press
    assert sorted(r.id for r in records(stack.engine, ida, on=TODAY)) == before

    # A forged "yes" for another family's child, with the day: nothing changes for either.
    eirik = pupil_id(stack.engine, "Eirik", "Berg")
    eiriks = len(records(stack.engine, eirik))
    forged = '/cancel_report' + json.dumps({"pupil": "Eirik Berg", "date": TODAY.isoformat()})
    reply = stack.chat.send(sender, forged)
    assert "er trukket tilbake" not in texts(reply), texts(reply)
    assert len(records(stack.engine, eirik)) == eiriks
    assert sorted(r.id for r in records(stack.engine, ida, on=TODAY)) == before

    # Her own report: the question names Ida and the day, and only its button withdraws.
    asked = stack.chat.send(sender, "trekk tilbake meldingen")
    assert "Ida" in texts(asked) and "mandag 23. november" in texts(asked), texts(asked)
    assert sorted(r.id for r in records(stack.engine, ida, on=TODAY)) == before
    [yes] = [p for p in payloads(asked) if p.startswith("/cancel_report{")]
    confirmation = json.loads(yes.removeprefix("/cancel_report"))
    assert confirmation["pupil"] == "Ida Hansen" and confirmation["date"].startswith(TODAY.isoformat())
    withdrawn = stack.chat.send(sender, yes)
    assert "trukket tilbake" in texts(withdrawn), texts(withdrawn)
    assert records(stack.engine, ida, on=TODAY) == []
