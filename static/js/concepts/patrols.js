// Patrols on the wall screen: check-ins and overdue marks (mirrors server/patrols/fold.py).
import { t, tOr, timeHM } from "../i18n.js";

const ms = (v) => (v ? Date.parse(v) : NaN);

export const types = ["patrol.checkin", "patrol.overdue"];

// Load the patrol rows of a snapshot.
export function load(model, state) {
  model.patrols = new Map((state.patrols || []).map((p) => [p.checkpoint_id, { ...p }]));
}

// Apply a check-in (never moving a gate back in time) or an overdue mark.
export function apply(model, env) {
  const d = env.data || {};
  const prev = model.patrols.get(d.checkpoint_id) || { checkpoint_id: d.checkpoint_id };
  if (env.type === "patrol.overdue") {
    // The mark is the feed's and the alert's business: whether a gate is overdue follows from
    // its last check-in, the phase and the clock (server/patrols/fold.py:status_rows), so a
    // mark drafted just before a newer check-in landed does not turn the gate red again.
    model.patrols.set(d.checkpoint_id, { ...prev, due_at: d.due_at ?? prev.due_at });
    return true;
  }
  const at = env.observed_at || env.ts;
  if (!prev.last_checkin_at || ms(at) >= ms(prev.last_checkin_at)) {
    model.patrols.set(d.checkpoint_id, {
      ...prev, last_checkin_at: at, last_guard: env.actor?.username, last_status: d.status, overdue: false,
    });
  }
  // A check-in counts from when it was recorded (its stream id), as on the server.
  if (env.id) model.checkins.set(env.id, Number(String(env.id).split("-")[0]));
  return true;
}

// Return what happened, for the feed line.
export function details(env) {
  const d = env.data || {};
  if (env.type === "patrol.overdue") return t("feed.overdue", { time: timeHM(d.due_at), interval: d.interval_min ?? "?" });
  return [tOr(`status.${d.status}`, d.status || ""), d.note ? `· ${d.note}` : ""].filter(Boolean).join(" ");
}
