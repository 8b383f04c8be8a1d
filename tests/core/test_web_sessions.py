"""The web chat's sessions: anonymous at first, signed in once with an invite code, ended for good by sign-out,
an operator or the clock; the chart and the invitation only for the session they were made for."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from naervaer import web_sessions as ws
from naervaer.cli import app
from naervaer.clock import now_utc
from naervaer.db import session_scope
from naervaer.identity import InviteError, create_invite, person_for_sender
from naervaer.migrate import downgrade, upgrade
from naervaer.models import ChatIdentity, InviteCode, Person, WebFile, WebSession
from naervaer.purge import purge_store
from tests.helpers import TODAY

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def invite_for(engine, persona: str = "demo-parent", **kw) -> str:
    with session_scope(engine) as s:
        return create_invite(s, person_for_sender(s, persona), now=kw.pop("now", T0), **kw).code


def start(engine, now: datetime | None = T0) -> ws.NewSession:
    with session_scope(engine) as s:
        return ws.start(s, now=now)


def current(engine, token: str, now: datetime | None = T0) -> ws.WebSessionView | None:
    with session_scope(engine) as s:
        return ws.current(s, token, now=now)


def sign_in(engine, token: str, code: str, now: datetime = T0) -> tuple[ws.NewSession, ws.WebSessionView]:
    with session_scope(engine) as s:
        return ws.sign_in(s, token, code, now=now)


def stored(engine) -> list[tuple]:
    """Everything a sign-in could change: the session rows, the links, the invites."""
    with session_scope(engine) as s:
        return [*s.execute(select(WebSession.id, WebSession.token_hash, WebSession.csrf, WebSession.ended_at)),
                *s.execute(select(ChatIdentity.sender_id, ChatIdentity.person_id)),
                *s.execute(select(InviteCode.id, InviteCode.used_at))]


def test_a_visitor_starts_anonymous_and_the_store_keeps_no_token(engine):
    new = start(engine)
    assert new.sender_id.startswith("web:") and len(new.token) >= 43 and len(new.csrf) >= 43
    assert new.expires_at == T0 + ws.IDLE
    view = current(engine, new.token)
    assert (view.person_id, view.given_name, view.sender_id, view.csrf) == (None, None, new.sender_id, new.csrf)
    with session_scope(engine) as s:
        row = s.scalar(select(WebSession))
        assert new.token not in (row.token_hash, row.csrf, row.sender_id)
    assert current(engine, "not-a-token") is None and current(engine, "") is None
    with pytest.raises(ValueError):
        with session_scope(engine) as s:
            ws.start(s, lang="de", now=T0)


def test_an_hour_without_a_request_ends_the_session_for_good(engine):
    new = start(engine)
    assert current(engine, new.token, T0 + timedelta(minutes=59)) is not None  # a request keeps it alive
    assert current(engine, new.token, T0 + timedelta(minutes=118)) is not None
    assert current(engine, new.token, T0 + timedelta(minutes=178)) is None
    assert current(engine, new.token, T0 + timedelta(minutes=119)) is None  # ended, not merely late


def test_no_session_lives_longer_than_twelve_hours_however_busy(engine):
    new = start(engine)
    moment = T0
    while moment + timedelta(minutes=50) < T0 + ws.LIFETIME:
        moment += timedelta(minutes=50)
        assert current(engine, new.token, moment).expires_at <= T0 + ws.LIFETIME
    assert current(engine, new.token, T0 + ws.LIFETIME) is None


def test_signing_in_links_the_person_and_the_old_token_stops_working(demo_engine):
    code = invite_for(demo_engine)
    old = start(demo_engine)
    new, view = sign_in(demo_engine, old.token, code)
    assert new.token != old.token and new.csrf != old.csrf and new.sender_id == old.sender_id
    assert (view.given_name, view.sender_id) == ("Kari", old.sender_id)
    assert current(demo_engine, old.token) is None
    again = current(demo_engine, new.token)
    assert (again.id, again.person_id, again.given_name, again.csrf) == (view.id, view.person_id, "Kari", new.csrf)
    with session_scope(demo_engine) as s:
        assert person_for_sender(s, old.sender_id).given_name == "Kari"


@pytest.mark.parametrize("which", ["unknown", "used", "expired"])
def test_a_bad_code_is_refused_and_changes_nothing(demo_engine, which):
    code = {"unknown": "no-such-code",
            "used": invite_for(demo_engine),
            "expired": invite_for(demo_engine, now=T0 - timedelta(days=2), lifetime=timedelta(days=1))}[which]
    if which == "used":
        sign_in(demo_engine, start(demo_engine).token, code)
    visitor = start(demo_engine)
    before = stored(demo_engine)
    with pytest.raises(InviteError):
        sign_in(demo_engine, visitor.token, code)
    assert stored(demo_engine) == before
    assert current(demo_engine, visitor.token).person_id is None  # still anonymous, the same token


def test_a_code_one_session_redeemed_does_not_open_another(demo_engine):
    code = invite_for(demo_engine)
    first, _ = sign_in(demo_engine, start(demo_engine).token, code)
    second = start(demo_engine)
    with pytest.raises(InviteError):
        sign_in(demo_engine, second.token, code)
    assert current(demo_engine, second.token).given_name is None
    assert current(demo_engine, first.token).given_name == "Kari"


def test_an_expired_session_cannot_sign_in_and_the_code_stays_usable(demo_engine):
    code = invite_for(demo_engine)
    stale = start(demo_engine)
    with pytest.raises(InviteError):
        sign_in(demo_engine, stale.token, code, now=T0 + ws.IDLE)
    _, view = sign_in(demo_engine, start(demo_engine, T0 + ws.IDLE).token, code, now=T0 + ws.IDLE)
    assert view.given_name == "Kari"


def test_sign_out_ends_access_unlinks_and_forgets_the_files(demo_engine, tmp_path):
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG")
    new, view = sign_in(demo_engine, start(demo_engine).token, invite_for(demo_engine))
    spare_code = invite_for(demo_engine)
    with session_scope(demo_engine) as s:
        name = ws.grant_file(s, view.id, str(chart), "image/png")
    with session_scope(demo_engine) as s:
        assert ws.sign_out(s, new.token, now=T0) is True
    assert current(demo_engine, new.token) is None
    with session_scope(demo_engine) as s:
        assert person_for_sender(s, new.sender_id) is None
        assert s.scalar(select(func.count()).select_from(WebFile)) == 0
        assert ws.file_for(s, new.token, name, now=T0) is None
        assert ws.sign_out(s, new.token, now=T0) is False
        with pytest.raises(InviteError):  # an ended session cannot be signed in again
            ws.sign_in(s, new.token, spare_code, now=T0)


def test_a_file_is_served_only_to_the_session_it_was_made_for(demo_engine, tmp_path):
    chart, invitation = tmp_path / "chart.png", tmp_path / "invitasjon.ics"
    chart.write_bytes(b"\x89PNG")
    invitation.write_text("BEGIN:VCALENDAR\n")
    owner, other = start(demo_engine), start(demo_engine)
    with session_scope(demo_engine) as s:
        sid = ws.current(s, owner.token, now=T0).id
        name = ws.grant_file(s, sid, str(chart), "image/png")
        assert ws.grant_file(s, sid, str(chart), "image/png") == name
        ics = ws.grant_file(s, sid, str(invitation), "text/calendar")
    assert name != ics and len(name) >= 21
    with session_scope(demo_engine) as s:
        assert ws.file_for(s, owner.token, name, now=T0) == (chart, "image/png")
        assert ws.file_for(s, owner.token, ics, now=T0) == (invitation, "text/calendar")
        assert ws.file_for(s, other.token, name, now=T0) is None
        assert ws.file_for(s, owner.token, "no-such-name", now=T0) is None
        assert ws.file_for(s, owner.token, name, now=T0 + ws.IDLE + timedelta(minutes=1)) is None


def test_the_operator_lists_and_ends_sessions_from_the_command_line(demo_engine):
    runner = CliRunner()
    with session_scope(demo_engine) as s:
        kari = person_for_sender(s, "demo-parent")
        kari_id, kari_name = kari.external_id, kari.full_name
    # The command runs on the real clock, so these sessions start on it.
    anonymous = start(demo_engine, now=None)
    phone, _ = sign_in(demo_engine, start(demo_engine, None).token, invite_for(demo_engine, now=now_utc()), now_utc())
    laptop, _ = sign_in(demo_engine, start(demo_engine, None).token, invite_for(demo_engine, now=now_utc()), now_utc())

    listed = runner.invoke(app, ["web-sessions", "--lang", "en"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count(kari_id) == 2 and "parent" in listed.output and "(anonymous)" in listed.output
    for secret in (anonymous.token, anonymous.csrf, phone.token, phone.csrf, phone.sender_id, kari_name, "Kari"):
        assert secret not in listed.output

    anonymous_id = current(demo_engine, anonymous.token, None).id
    ended = runner.invoke(app, ["web-sessions", "end", str(anonymous_id), "--lang", "en"])
    assert ended.exit_code == 0 and "Ended 1 web session." in ended.output
    assert current(demo_engine, anonymous.token, None) is None
    assert runner.invoke(app, ["web-sessions", "end", str(anonymous_id), "--lang", "en"]).exit_code == 1

    ended = runner.invoke(app, ["web-sessions", "end", "--person", kari_id, "--lang", "en"])
    assert ended.exit_code == 0 and "Ended 2 web sessions." in ended.output
    assert current(demo_engine, phone.token, None) is None and current(demo_engine, laptop.token, None) is None
    with session_scope(demo_engine) as s:
        assert person_for_sender(s, phone.sender_id) is None
    assert "No web sessions." in runner.invoke(app, ["web-sessions", "--lang", "en"]).output
    everything = runner.invoke(app, ["web-sessions", "--all", "--lang", "en"]).output
    assert len([line for line in everything.splitlines()[1:] if line.strip()]) == 3

    assert runner.invoke(app, ["web-sessions", "end", "--lang", "en"]).exit_code != 0
    assert runner.invoke(app, ["web-sessions", "end", "--person", "no-such-person"]).exit_code == 1


def test_the_list_holds_no_token_and_no_name(demo_engine):
    new, _ = sign_in(demo_engine, start(demo_engine).token, invite_for(demo_engine))
    start(demo_engine)
    with session_scope(demo_engine) as s:
        rows = ws.list_sessions(s, now=T0)
        kari = person_for_sender(s, new.sender_id)
    assert [(r.person, r.role) for r in rows] == [(kari.external_id, "parent"), (None, None)]
    values = {str(v) for r in rows for v in vars(r).values()}
    assert not values & {new.token, new.csrf, new.sender_id, kari.given_name, kari.family_name}


def test_the_daily_purge_ends_expired_sessions_and_deletes_old_ones(demo_engine):
    morning = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)  # the day before TODAY
    yesterday, _ = sign_in(demo_engine, start(demo_engine, morning).token, invite_for(demo_engine, now=morning),
                           now=morning)
    long_ago = start(demo_engine, morning - timedelta(days=40))
    with session_scope(demo_engine) as s:
        ws.sign_out(s, long_ago.token, now=morning - timedelta(days=40))
    live = start(demo_engine, datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc))

    with session_scope(demo_engine) as s:
        purge_store(s, TODAY)
    with session_scope(demo_engine) as s:
        assert person_for_sender(s, yesterday.sender_id) is None  # unlinked, before anyone asked for it
        assert s.scalar(select(func.count()).select_from(WebSession)) == 2  # the one ended 40 days ago is gone
        assert s.scalar(select(WebSession.ended_at).where(WebSession.sender_id == live.sender_id)) is None
        assert ws.purge_expired(s, now=T0 + timedelta(days=31)) == 2


def test_the_migration_adds_the_web_tables_and_takes_them_away(demo_engine):
    sign_in(demo_engine, start(demo_engine).token, invite_for(demo_engine))
    downgrade(demo_engine, "0004")
    assert not {"web_sessions", "web_files"} & set(inspect(demo_engine).get_table_names())
    upgrade(demo_engine)
    assert {"web_sessions", "web_files"} <= set(inspect(demo_engine).get_table_names())
    with session_scope(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(Person)) > 0  # the rest of the store is untouched
        ws.start(s, now=T0)
