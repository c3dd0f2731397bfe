// Alerts on the screens: their text and feed lines (the open ones are sections.alerts rows).
import { t, tOr } from "../i18n.js";

export const types = ["alert.raised", "alert.acknowledged"];

// Return the open alerts, newest first.
export function newestFirst(rows) {
  return rows.filter((a) => !a.status || a.status === "open")
    .sort((a, b) => Date.parse(b.raised_at || 0) - Date.parse(a.raised_at || 0));
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
