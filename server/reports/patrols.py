"""The patrol part: per checkpoint and phase window, how densely it was visited (pure)."""
import datetime as dt
import math

from server.patrols.fold import CHECKIN
from server.phase.fold import CHANGED as PHASE_CHANGED
from server.reports.figures import minutes, share, when

PADDING_S = 60  # one guard checking in at one point again within a minute: possible padding


def phase_windows(venue, window, events, before):
    """Return [(phase, start, end)]: the phases in force over the window, clipped to it."""
    current = before["data"]["phase"] if before else venue.default_phase
    starts = [(window.start, current)]
    for event in events:
        if event["type"] != PHASE_CHANGED:
            continue
        at = when(event)
        if at < window.start:
            starts[0] = (window.start, event["data"]["phase"])
        elif at < window.until:
            starts.append((at, event["data"]["phase"]))
    out = []
    for n, (start, phase) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else window.until
        if end > start:
            out.append((phase, start, end))
    return out


def gaps(start, end, visits):
    """Return the gaps between the window's start, each visit and the window's end."""
    marks = [start, *visits, end]
    return [b - a for a, b in zip(marks, marks[1:])]


def judged(start, end, visits, interval_min):
    """Return the figures of one checkpoint over one phase window."""
    step = dt.timedelta(minutes=interval_min)
    spans = gaps(start, end, visits)
    covered = sum((min(g, step) for g in spans), dt.timedelta())
    # A gap of k intervals and a bit passed k due times with nobody there (as the overdue timer counts).
    missed = sum(max(math.ceil(g / step) - 1, 0) for g in spans if g > dt.timedelta())
    return {"checkins": len(visits), "longest_gap_min": minutes(max(spans)),
            "within_interval_pct": share(covered.total_seconds(), (end - start).total_seconds()),
            "missed_windows": missed}


def window_rows(venue, window, checkins, phases):
    """Return one row per checkpoint and phase window where an interval applies."""
    by_point = {}
    for at, event in checkins:
        by_point.setdefault(event["data"]["checkpoint_id"], []).append(at)
    rows = []
    for phase, start, end in phases:
        for cp in venue.patrolled(phase):
            visits = [at for at in by_point.get(cp.id, ()) if start <= at < end]
            interval = cp.intervals[phase]
            rows.append({"checkpoint_id": cp.id, "phase": phase, "from": window.local(start),
                         "to": window.local(end), "interval_min": interval,
                         **judged(start, end, visits, interval)})
    return rows


def hourly(venue, window, checkins):
    """Return check-ins per venue-local hour per entrance (one row per hour with any)."""
    entrances = [e.id for e in venue.entrances]
    counts = {}
    for at, event in checkins:
        cp = event["data"]["checkpoint_id"]
        if cp in entrances:
            row = counts.setdefault(window.hour(at), dict.fromkeys(entrances, 0))
            row[cp] += 1
    return [{"hour": hour, **row, "total": sum(row.values())} for hour, row in sorted(counts.items())]


def padding(window, checkins):
    """Return repeated check-ins of one point by one guard within a minute (possible padding)."""
    last, rows = {}, []
    for at, event in checkins:
        key = (event["actor"]["username"], event["data"]["checkpoint_id"])
        previous = last.get(key)
        if previous is not None and (at - previous).total_seconds() <= PADDING_S:
            rows.append({"checkpoint_id": key[1], "guard": key[0], "at": window.local(at),
                         "seconds_after_previous": int((at - previous).total_seconds())})
        last[key] = at
    return rows


def part(venue, window, events, before):
    """Return the patrol part: windows, hourly check-ins at the entrances, possible padding."""
    checkins = [(when(e), e) for e in events if e["type"] == CHECKIN and window.holds(when(e))]
    windows = window_rows(venue, window, checkins, phase_windows(venue, window, events, before))
    shares = [r["within_interval_pct"] for r in windows if r["within_interval_pct"] is not None]
    pads = padding(window, checkins)
    by_qr = sum(1 for _, e in checkins if e["data"].get("method") == "qr")
    return {"summary": {"checkins": len(checkins), "checkins_qr": by_qr, "checkins_manual": len(checkins) - by_qr,
                        "windows": len(windows),
                        "missed_windows": sum(r["missed_windows"] for r in windows),
                        "lowest_within_interval_pct": min(shares) if shares else None,
                        "possible_padding": len(pads)},
            "tables": {"windows": windows, "hourly": hourly(venue, window, checkins), "padding": pads}}
