"""The iCalendar invitation to a booked meeting: what it says, and writing the .ics file.

Writing is left until the booking is committed, so the store's transaction never waits for the disk
and no file is left behind for a meeting that was rolled back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar, Event

from naervaer.settings import load_settings


def invitation_folder() -> Path:
    return load_settings().var_dir / "invitations"


@dataclass(frozen=True)
class Invitation:
    meeting_id: int
    summary: str
    starts: datetime  # time-zone aware
    minutes: int
    location: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / f"meeting-{self.meeting_id}.ics"

    def to_ical(self) -> bytes:
        calendar = Calendar()
        calendar.add("prodid", "-//Naervaer//naervaer//NO")
        calendar.add("version", "2.0")
        event = Event()
        event.add("uid", f"meeting-{self.meeting_id}@naervaer")
        event.add("summary", self.summary)
        event.add("dtstart", self.starts)
        event.add("dtend", self.starts + timedelta(minutes=self.minutes))
        event.add("location", self.location)
        event.add("dtstamp", datetime.now(timezone.utc))
        calendar.add_component(event)
        return calendar.to_ical()

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(self.to_ical())
        return self.path
