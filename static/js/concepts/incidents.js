// Incidents on the screens: open ones in order, and their feed lines. The open incidents are
// sections.incidents rows; a feed line names an incident by its row (`lookup`), if the page has it.
import { loc, t, tOr } from "../i18n.js";
import { personName } from "../people.js";

export const types = ["incident.reported", "incident.acknowledged", "incident.assigned", "incident.escalated",
  "incident.agency_notified", "incident.sop_step_done", "incident.noted", "incident.resolved",
  "incident.closed", "incident.reopened", "incident.marked_duplicate", "incident.photo_added"];

export const HIDDEN_NAME = "*"; // what a display gets for a username (server/visibility.py)
const bySeverityThenAge = (a, b) => a.severity - b.severity || String(a.reported_at).localeCompare(String(b.reported_at));

// Return incident rows most severe first, then oldest.
export function bySeverity(rows) {
  return [...rows].sort(bySeverityThenAge);
}

// Return a category's name in the viewer's language.
function categoryName(id, index) {
  const c = (index?.venue?.incident_categories || []).find((x) => x.id === id);
  return c ? loc(c.name) : id || "";
}

// Return "Fire / smoke · E2 东门" for an incident whose row the page has, else "".
function which(id, index, lookup) {
  const i = lookup?.("incidents", id);
  if (!i) return "";
  return [categoryName(i.category, index), index ? index.label(i.location_id) : i.location_id].join(" · ");
}

// Return what happened, for the feed line.
export function details(env, index, lookup) {
  const d = env.data || {};
  if (env.type === "incident.reported") {
    return t("feed.incident.reported", { category: categoryName(d.category, index), severity: d.severity })
      + (d.description ? ` · ${d.description}` : "");
  }
  const parts = [which(d.incident_id, index, lookup)];
  if (env.type === "incident.assigned") {
    // A display gets a mark, or nothing, instead of the assignee: it names nobody.
    parts.push(d.assignee && d.assignee !== HIDDEN_NAME ? t("feed.incident.assigned", { assignee: personName(d.assignee) })
      : t("incident.assigned"));
  }
  if (env.type === "incident.escalated" && d.automatic) parts.push(t("feed.incident.auto_escalated", { min: d.threshold_min }));
  if (env.type === "incident.agency_notified") {
    const agency = (index?.venue?.agencies || []).find((a) => a.id === d.agency);
    parts.push([agency ? loc(agency.name) : d.agency, d.reference].filter(Boolean).join(" "));
  }
  if (env.type === "incident.sop_step_done") parts.push(t("feed.incident.step", { n: d.step + 1 }));
  if (env.type === "incident.resolved" && d.skipped_steps?.length) {
    parts.push(t("feed.incident.skipped", { n: d.skipped_steps.length }));
  }
  if (env.type === "incident.marked_duplicate") parts.push(t("feed.incident.duplicate", { of: which(d.of, index, lookup) || d.of }));
  parts.push(d.note || d.reason || "");
  return parts.filter(Boolean).join(" · ") || tOr(`feed.${env.type}`, "");
}
