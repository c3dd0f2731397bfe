"""The state snapshot: projections read atomically with their cursor (DESIGN §5 /state)."""
import datetime as dt

from server import activity, alerts, events as ev, patrols, phase

NAMES = (phase.NAME, patrols.NAME, alerts.NAME, activity.NAME)


def patrol_rows(ctx):
    """Return (phase, phase_since, current patrol status rows)."""
    _, proj = ctx.store.snapshot([phase.NAME, patrols.NAME])
    current, since = phase.current(ctx, proj[phase.NAME])
    return current, since, patrols.status_rows(ctx.venue, current, since, proj[patrols.NAME], ev.utc_now())


def guards_active(entries, now):
    """Return guards seen in the last ACTIVE_MINUTES, most recent first."""
    horizon = now - dt.timedelta(minutes=activity.ACTIVE_MINUTES)
    rows = [e for e in entries.values() if ev.parse_iso(e["last_seen_at"]) >= horizon]
    return sorted(rows, key=lambda e: e["last_seen_at"], reverse=True)


RECENT_EVENTS = 50


def current(ctx):
    """Return the snapshot of now: every projection plus the cursor it corresponds to."""
    now = ev.utc_now()
    hour_ago = int((now - dt.timedelta(hours=1)).timestamp() * 1000)
    cursor, proj, recent, checkin_ids = ctx.store.snapshot(
        list(NAMES), recent=RECENT_EVENTS, since_ms=hour_ago, index=("type", ev.PATROL_CHECKIN))
    current_phase, since = phase.current(ctx, proj[phase.NAME])
    return {
        "cursor": cursor,
        "server_time": ev.iso(now),
        "phase": current_phase,
        "phase_since": since,
        "patrols": patrols.status_rows(ctx.venue, current_phase, since, proj[patrols.NAME], now),
        "alerts": alerts.open_alerts(proj[alerts.NAME]),
        "guards_active": guards_active(proj[activity.NAME], now),
        # What a wall screen shows before anything new happens: the last events (oldest
        # first, all at or before the cursor), check-ins of the last hour, people's names.
        "recent_events": [ev.envelope(e, ctx.venue.id) for e in reversed(recent)
                          if not ev.is_private(e["type"])],
        "checkins_last_hour": [{"id": i, "ts": ev.ms_to_iso(ev.id_ms(i))} for i in checkin_ids],
        "people": {u["username"]: u.get("display_name") or u["username"]
                   for u in ctx.accounts.list_users()},
        # Concepts that later issues fill; present so clients can rely on the shape.
        "visitors": [], "incidents": [], "hazards": [], "clearance": {},
    }
