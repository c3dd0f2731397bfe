// The control room's client-side state: a snapshot from /api/v1/state, then a fold of events.
// The server folds the same events (server/*/fold.py); tests/fixtures/fold_vectors/ holds the
// cases both must answer alike (screenState below is what those vectors check).
import { CONCEPTS, appliersOf } from "./concepts/index.js";
import { screen as clearanceScreen } from "./concepts/clearance.js";
import { patrolStatus } from "./patrol.js";

const HOUR = 3600000;
const GUARD_ACTIVE_MS = 15 * 60000; // server/activity: ACTIVE_MINUTES

const ms = (v) => (v ? Date.parse(v) : NaN);

// Compare two stream ids ("ms-seq") numerically; return <0, 0 or >0.
export function compareIds(a, b) {
  if (a === b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const [am, as = "0"] = String(a).split("-");
  const [bm, bs = "0"] = String(b).split("-");
  const d = Number(am) - Number(bm);
  if (d) return d;
  return Number(as) - Number(bs);
}

// Return the epoch milliseconds encoded in a stream id.
export function idMs(id) {
  return Number(String(id || "0").split("-")[0]);
}

// Return an empty model.
export function createModel() {
  return {
    phase: null, phaseSince: null,
    patrols: new Map(), // checkpoint_id -> {last_checkin_at, last_guard, last_status, overdue, ...}
    alerts: new Map(), // alert_id -> alert (insertion order kept)
    alertPlaces: new Map(), // alert_id -> checkpoint_id, kept after acknowledgement for the feed
    guards: new Map(), // username -> last seen (ms)
    checkins: new Map(), // event id -> time (ms) of recent check-ins
    onSite: new Map(), // visitor_id -> visitor on site (concepts/visitors.js)
    visitors: 0, vehicles: 0, vehiclesOnSite: new Map(), // plate -> vehicle on site (concepts/vehicles.js)
  };
}

// Replace the model's contents with a snapshot from /api/v1/state: each concept loads its part.
export function loadSnapshot(model, state) {
  for (const concept of CONCEPTS) concept.load?.(model, state);
  for (const g of state.guards_active || []) {
    const seen = ms(g.last_seen_at);
    if (!Number.isNaN(seen)) model.guards.set(g.username, Math.max(seen, model.guards.get(g.username) || 0));
  }
  return model;
}

// Seed the recent check-in times from the snapshot's checkins_last_hour ({id, ts}).
// A check-in counts from when it was recorded (its stream id), as on the server: an outbox
// delivery of an old visit is a check-in of the last hour.
export function seedCheckins(model, events) {
  for (const e of events || []) {
    const at = idMs(e.id);
    if (e.id && at > 0) model.checkins.set(e.id, at);
  }
}

// Apply one event envelope to the model; return true when anything changed.
export function applyEvent(model, env) {
  // Any event a guard causes makes them active (server/activity): by its time, never back.
  const seen = ms(env.ts);
  if (env.actor?.role === "guard" && env.actor.username && !Number.isNaN(seen)
      && !(model.guards.get(env.actor.username) > seen)) {
    model.guards.set(env.actor.username, seen);
  }
  let changed = false;
  for (const concept of appliersOf(env.type)) if (concept.apply?.(model, env)) changed = true;
  return changed;
}

// Return the open alerts, newest first.
export function openAlerts(model) {
  return [...model.alerts.values()].sort((a, b) => Date.parse(b.raised_at || 0) - Date.parse(a.raised_at || 0));
}

// Return the usernames of the guards active at time now (seen in the last 15 minutes), sorted.
export function activeGuards(model, now) {
  return [...model.guards].filter(([, seen]) => now - seen <= GUARD_ACTIVE_MS).map(([name]) => name).sort();
}

// Return the counters shown on the wall at time now.
export function counters(model, now) {
  let recent = 0;
  for (const [id, t] of model.checkins) {
    if (now - t > HOUR * 1.5) model.checkins.delete(id);
    else if (now - t <= HOUR) recent++;
  }
  return {
    checkins_hour: recent,
    guards_active: activeGuards(model, now).length,
    open_alerts: model.alerts.size,
    visitors: model.visitors,
    vehicles: model.vehicles,
  };
}

// Return what the wall shows at time now (ms) after a snapshot and a sequence of live events,
// applied the way control.js and live.js do: events at or before the cursor are dropped.
// venue: GET /api/v1/venue. The shape is the one tests/fixtures/fold_vectors/ describes.
export function screenState(venue, snapshot, events, now) {
  const model = loadSnapshot(createModel(), snapshot);
  let cursor = snapshot.cursor || null;
  seedCheckins(model, (snapshot.checkins_last_hour || []).filter((e) => !cursor || compareIds(e.id, cursor) <= 0));
  for (const env of events || []) {
    if (!env || !env.id || compareIds(env.id, cursor) <= 0) continue;
    cursor = env.id;
    applyEvent(model, env);
  }
  const patrols = {};
  for (const cp of venue.checkpoints || []) {
    const p = model.patrols.get(cp.id);
    const st = patrolStatus(cp, p, model.phase, model.phaseSince, now);
    patrols[cp.id] = {
      last_checkin_at: p?.last_checkin_at ?? null,
      last_guard: p?.last_guard ?? null,
      last_status: p?.last_status ?? null,
      interval_min: st.interval,
      due_at: st.dueAt == null ? null : new Date(st.dueAt).toISOString(),
      overdue: st.status === "overdue",
    };
  }
  return {
    cursor,
    phase: model.phase,
    patrols,
    alerts: openAlerts(model).map((a) => ({ alert_id: a.alert_id, status: "open" })),
    guards_active: activeGuards(model, now),
    checkins_last_hour: counters(model, now).checkins_hour,
    visitors_on_site: counters(model, now).visitors,
    clearance: clearanceScreen(model),
    vehicles_on_site: counters(model, now).vehicles,
    readiness: readinessScreen(model.readiness),
  };
}

// Return what the readiness board shows (the vectors' "readiness"): ready, how many things
// are missing, the cells passed and those with open hazards ("checklist@area", board order).
function readinessScreen(board) {
  const keyed = (state) => (board?.cells || []).filter((c) => c.state === state)
    .map((c) => `${c.checklist_id}@${c.area_id}`);
  return { ready: board ? board.ready : true, missing: board ? board.missing.length : 0,
    passed: keyed("passed"), open_hazards: keyed("open_hazards") };
}
