// Patrol freshness and guard activity, rendered from the server's rows and the time now.
const MIN = 60000;
const SOON_MIN_MS = 5 * MIN;
const SOON_FRACTION = 0.2;
export const GUARD_ACTIVE_MS = 15 * MIN; // server/activity: ACTIVE_MINUTES

const ms = (v) => (v == null || v === "" ? null : typeof v === "number" ? v : Date.parse(v));

// Return {status, dueAt, interval, lastAt} of a patrol row (sections.patrols) at time now:
// status is "fresh", "due_soon", "overdue" or "off" (no patrol in the phase in force).
// The row's due_at and interval_min are the server's; only the clock moves here.
export function patrolStatus(row, now) {
  const interval = row?.interval_min ?? null;
  const lastAt = ms(row?.last_checkin_at);
  if (!interval) return { status: "off", dueAt: null, interval: null, lastAt };
  const dueAt = ms(row?.due_at);
  const soonWindow = Math.max(SOON_MIN_MS, interval * MIN * SOON_FRACTION);
  let status = "fresh";
  // Overdue strictly after the due time, as on the server (server/patrols/fold.py:status_rows).
  if (dueAt != null && now > dueAt) status = "overdue";
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

// Return the usernames of the guards active at time now (sections.guards_active rows seen in
// the last 15 minutes), sorted.
export function activeGuards(rows, now) {
  return rows.filter((g) => now - ms(g.last_seen_at) <= GUARD_ACTIVE_MS).map((g) => g.username).sort();
}
