// Alerts on the wall screen: raised and acknowledged (mirrors server/alerts/fold.py).
import { t, tOr } from "../i18n.js";

export const types = ["alert.raised", "alert.acknowledged"];

// Load the open alerts of a snapshot.
export function load(model, state) {
  model.alerts = new Map();
  for (const a of state.alerts || []) {
    if (a.acknowledged || (a.status && a.status !== "open")) continue;
    model.alerts.set(a.alert_id, { ...a });
    if (a.checkpoint_id) model.alertPlaces.set(a.alert_id, a.checkpoint_id);
  }
}

// Apply an alert being raised or acknowledged.
export function apply(model, env) {
  const d = env.data || {};
  if (env.type === "alert.acknowledged") return model.alerts.delete(d.alert_id);
  // Every field of the alert is kept: kinds add their own (a watchlist hit names its visitor).
  model.alerts.set(d.alert_id, { ...d, raised_at: env.ts, acknowledged: false });
  if (d.checkpoint_id) model.alertPlaces.set(d.alert_id, d.checkpoint_id);
  return true;
}

// Return the localized text of an alert (by kind, else the server's message).
export function alertText(alert, index) {
  if (alert.kind === "patrol_overdue" && alert.checkpoint_id) {
    return t("alert.patrol_overdue", { checkpoint: index.label(alert.checkpoint_id) });
  }
  const place = alert.entrance_id ? index?.label?.(alert.entrance_id) || alert.entrance_id : "";
  return tOr(`alert.${alert.kind}`, alert.message || alert.kind || "", { ...alert, place, entrance: place });
}

// Return what happened, for the feed line.
export function details(env, index) {
  return env.type === "alert.raised" ? alertText(env.data || {}, index) : "";
}
