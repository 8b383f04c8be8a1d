"""The status answer's chart: drawn after the store's transaction, drawn once per picture, and safe
to draw in several threads at once (the action server answers in threads)."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from naervaer import charts
from naervaer.absence import AbsenceKind
from naervaer.conversations import pupil_status as status_answer
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, Channel, Person, Pupil
from tests.helpers import TODAY

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def drawings(monkeypatch):
    """Counts the charts actually drawn (not found drawn)."""
    calls = []
    draw = charts.absence_chart

    def counted(*args, **kwargs):
        calls.append(args[-1])
        return draw(*args, **kwargs)

    monkeypatch.setattr(charts, "absence_chart", counted)
    return calls


def ida_asks(engine, lang: str = "nb") -> status_answer.StatusAnswer:
    with session_scope(engine) as s:
        return status_answer.answer(s, Asker("demo-teacher", lang, TODAY), "Ida Hansen")


def assert_png(path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG), path
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        return
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (880, 396)  # 8 x 3.6 inches at 110 dpi


def test_the_answer_draws_nothing_in_the_session_and_the_chart_after_it(demo_engine, var_dir, drawings):
    with session_scope(demo_engine) as s:
        found = status_answer.answer(s, Asker("demo-teacher", "nb", TODAY), "Ida Hansen")
        assert drawings == [] and not (var_dir / "charts").exists()
    assert "Ida" in found.text and found.chart is not None
    reply = found.full_reply()  # the session is closed: the chart needs nothing more from the store
    assert len(drawings) == 1
    image = reply.messages[-1].image
    assert image and reply.messages[-1].text == ""
    path = var_dir / "charts" / image.rsplit("/", 1)[-1]
    assert str(path) == image and path.parent == var_dir / "charts"
    assert_png(path)
    assert reply.slots == {"pupil": "Ida Hansen"}
    assert found.reply.messages[-1].image is None  # the answer itself is left as it was


def test_no_chart_when_there_is_no_pupil_to_show(demo_engine, drawings):
    with session_scope(demo_engine) as s:
        parent = status_answer.answer(s, Asker("demo-parent", "nb", TODAY), "Ida")
    assert parent.chart is None
    assert all(m.image is None for m in parent.full_reply().messages)
    assert drawings == []


def test_the_same_absence_gives_the_same_file_without_drawing_it_again(demo_engine, drawings):
    first = ida_asks(demo_engine).chart.draw()
    stamp = first.stat().st_mtime_ns
    again = ida_asks(demo_engine).chart.draw()
    assert again == first and again.stat().st_mtime_ns == stamp
    assert drawings == [first]
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no partial files left behind


def test_new_absence_or_another_language_or_day_gives_a_new_chart(demo_engine, drawings):
    before = ida_asks(demo_engine)
    with session_scope(demo_engine) as s:
        ida = s.scalars(select(Pupil).join(Person, Person.id == Pupil.person_id)
                        .where(Person.given_name == "Ida", Person.family_name == "Hansen")).one()
        s.add(AbsenceRecord(pupil_id=ida.id, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.CHAT))
    after = ida_asks(demo_engine)
    assert len(after.chart.events) == len(before.chart.events) + 1
    paths = {before.chart.draw(), after.chart.draw(), ida_asks(demo_engine, "en").chart.draw(),
             replace(after.chart, on=TODAY + timedelta(days=1)).draw()}
    assert len(paths) == 4 and len(drawings) == 4
    for path in paths:
        assert_png(path)


def test_charts_drawn_in_threads_at_once_are_all_whole_pngs(demo_engine, drawings):
    request = ida_asks(demo_engine).chart
    # Different pictures (one per day) drawn side by side, and the same picture by several threads.
    requests = [replace(request, on=TODAY - timedelta(days=d)) for d in range(1, 7)] + [request] * 4
    barrier = threading.Barrier(len(requests))
    paths, errors = [None] * len(requests), []

    def draw(i):
        try:
            barrier.wait()
            paths[i] = requests[i].draw()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(paths)) == 7
    for path in set(paths):
        assert_png(path)
    assert not [p for p in paths[0].parent.iterdir() if p.suffix != ".png"]  # no partial files left behind


def test_the_chart_says_in_words_what_it_shows(demo_engine):
    found = ida_asks(demo_engine)
    shown = charts.chart_grid(list(found.chart.events), found.chart.guide, found.chart.level, found.chart.calendar,
                              found.chart.on)
    alt = found.full_reply().messages[-1].image_alt
    assert alt.startswith("Diagram over fraværet til Ida de siste 15 ukene")
    # the counts a screen reader hears are the squares the picture colours
    assert f"{shown.count(3)} hele dager" in alt and f"{shown.count(2)} dager med timefravær" in alt
    weeks = [str(d.isocalendar()[1]) for d, f in zip(shown.weeks, shown.flagged_weeks) if f]
    assert (", ".join(weeks) in alt) if weeks else ("Ingen uke" in alt)
    english = ida_asks(demo_engine, "en").full_reply().messages[-1].image_alt
    assert english.startswith("Chart of Ida's absence over the last 15 weeks")
