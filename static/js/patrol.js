// Patrol freshness, computed from the venue's intervals and the current phase.
const MIN = 60000;
const SOON_MIN_MS = 5 * MIN;
const SOON_FRACTION = 0.2;

const ms = (v) => (v == null || v === "" ? null : typeof v === "number" ? v : Date.parse(v));

// Return the patrol interval (minutes) of a checkpoint in a phase, or null when not patrolled.
export function intervalFor(checkpoint, phase, fallback = null) {
  const iv = checkpoint?.intervals;
  if (iv && typeof iv === "object" && phase in iv) return iv[phase] ?? null;
  return fallback ?? null;
}

// Return {status, dueAt, interval, lastAt} for a checkpoint at time now:
// status is "fresh", "due_soon", "overdue" or "off" (no patrol in this phase).
// patrol: {last_checkin_at, overdue, interval_min, due_at}; phaseSince: when the phase began.
export function patrolStatus(checkpoint, patrol, phase, phaseSince, now) {
  const interval = intervalFor(checkpoint, phase, patrol?.interval_min);
  const lastAt = ms(patrol?.last_checkin_at);
  if (!interval) return { status: "off", dueAt: null, interval: null, lastAt };
  const base = lastAt ?? ms(phaseSince) ?? ms(patrol?.due_at) - interval * MIN;
  const dueAt = Number.isFinite(base) ? base + interval * MIN : ms(patrol?.due_at);
  const soonWindow = Math.max(SOON_MIN_MS, interval * MIN * SOON_FRACTION);
  let status = "fresh";
  // Overdue strictly after the due time, as on the server (server/patrols/fold.py:status_rows).
  if (patrol?.overdue || (dueAt != null && now > dueAt)) status = "overdue";
  else if (dueAt == null || dueAt - now <= soonWindow) status = "due_soon";
  return { status, dueAt, interval, lastAt };
}

// Order for lists: overdue first, then soonest due, then the rest by id.
export function urgency(a, b) {
  const rank = { overdue: 0, due_soon: 1, fresh: 2, off: 3 };
  return (rank[a.status] - rank[b.status]) || ((a.dueAt ?? Infinity) - (b.dueAt ?? Infinity))
    || String(a.id).localeCompare(String(b.id), undefined, { numeric: true });
}

// Return whole minutes between two times, rounded up (at least 0).
export function minutesUntil(then, now) {
  return Math.max(0, Math.ceil((then - now) / MIN));
}
