// Watchlist events in the feed. Only staff receive hits and denials (and sections.watchlist_hits);
// a display sees the alerts they raise (sections.alerts) and nothing else.
import { t } from "../i18n.js";

export const types = ["visitor.watchlist_hit", "visitor.denied", "visitor.watchlist_confirmed",
  "visitor.watchlist_dismissed", "watchlist.entry_added", "watchlist.entry_removed"];

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
