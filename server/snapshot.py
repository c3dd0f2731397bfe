"""The state snapshot: projections read atomically with their cursor (DESIGN §5 /state)."""
import datetime as dt

from server import activity, alerts, events as ev, patrols, phase

NAMES = (phase.NAME, patrols.NAME, alerts.NAME, activity.NAME)


def patrol_rows(ctx):
    """Return current patrol status rows."""
    _, proj = ctx.store.snapshot([phase.NAME, patrols.NAME])
    current, since = phase.current(ctx, proj[phase.NAME])
    return patrols.status_rows(ctx.venue, current, since, proj[patrols.NAME], ev.utc_now())


def guards_active(entries, now):
    """Return guards seen in the last ACTIVE_MINUTES, most recent first."""
    horizon = now - dt.timedelta(minutes=activity.ACTIVE_MINUTES)
    rows = [e for e in entries.values() if ev.parse_iso(e["last_seen_at"]) >= horizon]
    return sorted(rows, key=lambda e: e["last_seen_at"], reverse=True)


def current(ctx):
    """Return the snapshot of now: every projection plus the cursor it corresponds to."""
    cursor, proj = ctx.store.snapshot(list(NAMES))
    now = ev.utc_now()
    current_phase, since = phase.current(ctx, proj[phase.NAME])
    return {
        "cursor": cursor,
        "server_time": ev.iso(now),
        "phase": current_phase,
        "phase_since": since,
        "patrols": patrols.status_rows(ctx.venue, current_phase, since, proj[patrols.NAME], now),
        "alerts": alerts.open_alerts(proj[alerts.NAME]),
        "guards_active": guards_active(proj[activity.NAME], now),
        # Concepts that later issues fill; present so clients can rely on the shape.
        "visitors": [], "incidents": [], "hazards": [], "clearance": {},
    }
