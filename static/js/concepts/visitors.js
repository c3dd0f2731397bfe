// Visitors on the wall screen: who is on site (mirrors server/visitors/fold.py).
import { t } from "../i18n.js";

export const types = ["visitor.registered", "visitor.checked_out", "visitor.id_revealed"];

// Load the on-site visitors of a snapshot (already shaped for this viewer by the server).
export function load(model, state) {
  model.onSite = new Map((Array.isArray(state.visitors) ? state.visitors : [])
    .map((v) => [v.visitor_id, { ...v }]));
  model.visitors = model.onSite.size;
}

// Apply a registration or a check-out to the on-site roll; a reveal changes nothing shown.
export function apply(model, env) {
  const d = env.data || {};
  if (!model.onSite) model.onSite = new Map();
  if (env.type === "visitor.registered") {
    model.onSite.set(d.visitor_id, { ...d, on_site: true, registered_at: env.ts });
  } else if (env.type === "visitor.checked_out") {
    if (!model.onSite.delete(d.visitor_id)) return false;
  } else {
    return false;
  }
  model.visitors = model.onSite.size;
  return true;
}

// Return what happened, for the feed line: the name (masked for a display), company, host.
export function details(env) {
  const d = env.data || {};
  if (env.type === "visitor.id_revealed") return t("feed.visitor_id", { id: d.id_masked || "" });
  const parts = [d.name || ""];
  if (env.type === "visitor.registered") {
    if (d.organization) parts.push(`· ${d.organization}`);
    if (d.host) parts.push(`· ${t("feed.visitor_host", { host: d.host })}`);
  }
  return parts.filter(Boolean).join(" ");
}
