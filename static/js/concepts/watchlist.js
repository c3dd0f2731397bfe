// Watchlist hits on the screens (mirrors server/watchlist/hits.py). Only staff receive hits and
// denials; a display sees the alerts they raise (concepts/alerts.js) and nothing else.
import { t } from "../i18n.js";

export const types = ["visitor.watchlist_hit", "visitor.denied", "visitor.watchlist_confirmed",
  "visitor.watchlist_dismissed", "watchlist.entry_added", "watchlist.entry_removed"];
const DECIDED = { "visitor.watchlist_confirmed": "confirmed", "visitor.watchlist_dismissed": "dismissed" };

// Load the hits still open for the control room (empty for a display).
export function load(model, state) {
  model.watchHits = new Map((state.watchlist_hits || []).map((hit) => [hit.visitor_id, { ...hit }]));
  model.denials = new Map();
}

// Apply a hit, a refusal or a decision on a possible match.
export function apply(model, env) {
  const d = env.data || {};
  model.watchHits ||= new Map();
  model.denials ||= new Map();
  if (env.type === "visitor.watchlist_hit") {
    model.watchHits.set(d.visitor_id, { ...d, status: "open", raised_at: env.ts });
    return true;
  }
  if (env.type === "visitor.denied") {
    model.denials.set(d.visitor_id, { ...d });
    return true;
  }
  const hit = model.watchHits.get(d.visitor_id);
  if (!DECIDED[env.type] || !hit || hit.status !== "open") return false;
  hit.status = DECIDED[env.type];
  return true;
}

// Return what happened, for the feed line.
export function details(env) {
  const d = env.data || {};
  if (env.type === "visitor.watchlist_hit") {
    return t("feed.watchlist_hit", { match: t(`watchlist.match.${d.match}`), on: t(`watchlist.matched_on.${d.matched_on}`) });
  }
  if (env.type === "visitor.denied") return t("feed.watchlist_denied", { name: d.name || "" });
  if (env.type === "watchlist.entry_added") {
    return t("feed.watchlist_entry", { who: d.name || d.plate || d.id_masked, action: t(`watchlist.action.${d.action}`) });
  }
  return d.note || "";
}
