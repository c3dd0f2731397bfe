// The control room's client-side state: a snapshot from /api/v1/state, then a fold of events.
const HOUR = 3600000;

const ms = (v) => (v ? Date.parse(v) : NaN);

// Return an empty model.
export function createModel() {
  return {
    phase: null, phaseSince: null,
    patrols: new Map(), // checkpoint_id -> {last_checkin_at, last_guard, last_status, overdue, ...}
    alerts: new Map(), // alert_id -> alert (insertion order kept)
    alertPlaces: new Map(), // alert_id -> checkpoint_id, kept after acknowledgement for the feed
    guards: new Map(), // username -> last seen (ms)
    checkins: new Map(), // event id -> time (ms) of recent check-ins
    visitors: 0, vehicles: 0,
  };
}

// Replace the model's contents with a snapshot from /api/v1/state.
export function loadSnapshot(model, state) {
  model.phase = state.phase ?? null;
  model.phaseSince = state.phase_since ?? null;
  model.patrols = new Map((state.patrols || []).map((p) => [p.checkpoint_id, { ...p }]));
  model.alerts = new Map();
  for (const a of state.alerts || []) {
    if (a.acknowledged) continue;
    model.alerts.set(a.alert_id, { ...a });
    if (a.checkpoint_id) model.alertPlaces.set(a.alert_id, a.checkpoint_id);
  }
  for (const g of state.guards_active || []) {
    const seen = ms(g.last_seen_at);
    if (!Number.isNaN(seen)) model.guards.set(g.username, Math.max(seen, model.guards.get(g.username) || 0));
  }
  model.visitors = Array.isArray(state.visitors) ? state.visitors.length : 0;
  model.vehicles = Array.isArray(state.vehicles) ? state.vehicles.length : 0;
  return model;
}

// Seed the recent check-in times from a page of patrol.checkin events.
export function seedCheckins(model, events) {
  for (const e of events || []) {
    const at = ms(e.observed_at || e.ts);
    if (e.id && !Number.isNaN(at)) model.checkins.set(e.id, at);
  }
}

// Apply one event envelope to the model; return true when anything changed.
export function applyEvent(model, env) {
  const d = env.data || {};
  switch (env.type) {
    case "patrol.checkin": {
      const at = env.observed_at || env.ts;
      const prev = model.patrols.get(d.checkpoint_id) || { checkpoint_id: d.checkpoint_id };
      if (!prev.last_checkin_at || ms(at) >= ms(prev.last_checkin_at)) {
        model.patrols.set(d.checkpoint_id, {
          ...prev, last_checkin_at: at, last_guard: env.actor?.username,
          last_status: d.status, overdue: false,
        });
      }
      if (!Number.isNaN(ms(at))) model.checkins.set(env.id, ms(at));
      if (env.actor?.username) model.guards.set(env.actor.username, Math.max(ms(env.ts), ms(at)));
      return true;
    }
    case "patrol.overdue": {
      const prev = model.patrols.get(d.checkpoint_id) || { checkpoint_id: d.checkpoint_id };
      model.patrols.set(d.checkpoint_id, { ...prev, overdue: true, due_at: d.due_at ?? prev.due_at });
      return true;
    }
    case "alert.raised":
      model.alerts.set(d.alert_id, {
        alert_id: d.alert_id, kind: d.kind, checkpoint_id: d.checkpoint_id,
        message: d.message, raised_at: env.ts, acknowledged: false,
      });
      if (d.checkpoint_id) model.alertPlaces.set(d.alert_id, d.checkpoint_id);
      return true;
    case "alert.acknowledged":
      return model.alerts.delete(d.alert_id);
    case "phase.changed":
      model.phase = d.phase;
      model.phaseSince = env.ts;
      for (const p of model.patrols.values()) p.overdue = false;
      return true;
    default:
      return false;
  }
}

// Return the counters shown on the wall at time now.
export function counters(model, now) {
  let recent = 0;
  for (const [id, t] of model.checkins) {
    if (now - t > HOUR * 1.5) model.checkins.delete(id);
    else if (now - t <= HOUR) recent++;
  }
  let guards = 0;
  for (const seen of model.guards.values()) if (now - seen <= 15 * 60000) guards++;
  return {
    checkins_hour: recent,
    guards_active: guards,
    open_alerts: model.alerts.size,
    visitors: model.visitors,
    vehicles: model.vehicles,
  };
}
