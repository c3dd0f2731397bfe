// Clearance after the meeting on the wall screen (mirrors server/clearance/fold.py).
import { t } from "../i18n.js";

export const types = ["clearance.zone_confirmed", "clearance.completed"];
export const follows = ["phase.changed"]; // entering post_event opens a round

const POST_EVENT = "post_event";

// Load the clearance round of a snapshot: {round_id, open, zones: Map zone_id -> state, ...}.
export function load(model, state) {
  const c = state.clearance || {};
  model.clearance = {
    round_id: c.round_id ?? null, open: Boolean(c.open), started_at: c.started_at ?? null,
    completed_at: c.completed_at ?? null, took_s: c.took_s ?? null,
    zones: new Map((c.zones || []).filter((z) => z.state !== "open").map((z) => [z.zone_id, { ...z }])),
  };
}

// Apply a phase change (opens or ends a round), a zone confirmation or the completion.
export function apply(model, env) {
  const d = env.data || {};
  const round = model.clearance;
  if (env.type === "phase.changed") {
    if (d.phase === POST_EVENT) {
      model.clearance = { round_id: env.id, open: true, started_at: env.ts, completed_at: null, took_s: null,
        zones: new Map() };
      return true;
    }
    if (!round?.open) return false;
    round.open = false;
    return true;
  }
  if (!round || d.round_id !== round.round_id) return false;
  if (env.type === "clearance.completed") {
    round.completed_at = env.ts;
    round.took_s = d.took_s;
    return true;
  }
  const before = round.zones.get(d.zone_id) || {};
  round.zones.set(d.zone_id, {
    zone_id: d.zone_id, state: d.people_found === 0 ? "cleared" : "people_found", people_found: d.people_found,
    note: d.note || "", by: env.actor?.username, at: env.ts, confirmations: (before.confirmations || 0) + 1,
    found_earlier: Math.max(before.found_earlier || 0, before.people_found || 0),
  });
  return true;
}

// Return the clearance part of the screen state the fold vectors check.
export function screen(model) {
  const round = model.clearance || { zones: new Map() };
  const cleared = [...round.zones.values()].filter((z) => z.state === "cleared").map((z) => z.zone_id).sort();
  return { open: Boolean(round.open), cleared, venue_cleared: Boolean(round.completed_at) };
}

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
