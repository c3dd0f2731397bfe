"""The report's window and the arithmetic every part shares (pure: no I/O)."""
import datetime as dt
import math
import statistics
import zoneinfo
from dataclasses import dataclass

from server import events as ev


@dataclass(frozen=True)
class Window:
    """The venue-local days a report covers, as UTC instants, and the moment it was built."""

    first: dt.date
    last: dt.date
    zone: zoneinfo.ZoneInfo
    now: dt.datetime
    start: dt.datetime  # the first day's venue-local midnight, in UTC
    end: dt.datetime  # the midnight after the last day (exclusive), in UTC

    @classmethod
    def of(cls, first, last, timezone, now):
        """Return the window from the first to the last venue-local day, both included."""
        zone = zoneinfo.ZoneInfo(timezone)
        start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.timezone.utc)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
        return cls(first, last, zone, now, start, end)

    @property
    def until(self):
        """Return where figures that run with the clock stop: the window's end, or now if sooner."""
        return min(self.end, self.now)

    def holds(self, moment):
        """Tell whether an instant lies within the window."""
        return self.start <= moment < self.end

    def days(self):
        """Return each venue-local day of the window as YYYY-MM-DD."""
        count = (self.last - self.first).days + 1
        return [(self.first + dt.timedelta(days=n)).isoformat() for n in range(count)]

    def local(self, moment):
        """Return an instant as venue-local 'YYYY-MM-DD HH:MM'."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def hour(self, moment):
        """Return the venue-local hour an instant falls in, 'YYYY-MM-DD HH:00'."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:00")

    def day(self, moment):
        """Return the venue-local day of an instant, YYYY-MM-DD."""
        return moment.astimezone(self.zone).date().isoformat()


def when(event):
    """Return when an event happened: observed_at (a phone's outbox may send it late), else ts.

    Kept on the event ("_at"): every part asks, and parsing is most of a report's work.
    """
    at = event.get("_at")
    if at is None:
        at = event["_at"] = ev.parse_iso(event.get("observed_at") or event["ts"])
    return at


def recorded(event):
    """Return when the server recorded an event (reaction times count from here)."""
    return ev.parse_iso(event["ts"])


def minutes(delta):
    """Return a timedelta in minutes, rounded to 0.1."""
    return round(delta.total_seconds() / 60, 1)


def median(values):
    """Return the median of numbers, or None when there are none."""
    return round(statistics.median(values), 1) if values else None


def p90(values):
    """Return the 90th percentile by nearest rank (the value 90 % of cases do not exceed), or None."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


def share(part, whole):
    """Return part/whole as a percentage rounded to 0.1, or None when whole is 0."""
    return round(100 * part / whole, 1) if whole else None


def joined(items):
    """Return a list as one cell: items joined by ', '."""
    return ", ".join(str(i) for i in items)
