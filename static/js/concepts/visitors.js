// Visitors: the feed lines (who is on site is sections.visitors, shaped for the viewer).
import { t, timeHM } from "../i18n.js";

export const types = ["visitor.registered", "visitor.checked_out", "visitor.left_unrecorded", "visitor.id_revealed"];

// Return what happened, for the feed line: the name (masked for a display), company, host.
export function details(env) {
  const d = env.data || {};
  if (env.type === "visitor.id_revealed") return t("feed.visitor_id", { id: d.id_masked || "" });
  const parts = [d.name || ""];
  if (env.type === "visitor.checked_out" && d.late) parts.push(`· ${t("feed.visitor_late", { time: timeHM(env.observed_at) })}`);
  if (env.type === "visitor.left_unrecorded" && d.note) parts.push(`· ${d.note}`); // the type names what happened
  if (env.type === "visitor.registered") {
    if (d.organization) parts.push(`· ${d.organization}`);
    if (d.host) parts.push(`· ${t("feed.visitor_host", { host: d.host })}`);
  }
  return parts.filter(Boolean).join(" ");
}
