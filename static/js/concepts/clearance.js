// Clearance after the meeting: the feed lines, and how long a round took (the round itself is
// the sections.clearance row "round").
import { t } from "../i18n.js";

export const types = ["clearance.zone_confirmed", "clearance.completed"];

// Return how long a round took, for people: "12 min", or "under a minute".
export function took(seconds) {
  return seconds < 60 ? t("clearance.under_minute") : t("clearance.minutes", { m: Math.round(seconds / 60) });
}

// Return what happened, for the feed line (the zone is already named by the line's place).
export function details(env) {
  const d = env.data || {};
  if (env.type === "clearance.completed") return t("feed.clearance_completed", { took: took(d.took_s || 0) });
  return d.people_found ? t("clearance.still_inside", { n: d.people_found }) : t("clearance.state.cleared");
}
