// Incidents on the screens: open ones by severity, and their feed lines (mirrors server/incidents/fold.py).
import { loc, t, tOr } from "../i18n.js";

const OPEN = new Set(["reported", "acknowledged"]);
const NEXT = {
  "incident.acknowledged": "acknowledged", "incident.resolved": "resolved", "incident.closed": "closed",
  "incident.reopened": "acknowledged", "incident.marked_duplicate": "closed",
};
// Incident id -> {category, location_id}: action events name only the incident, the feed line its place.
const known = new Map();

export const types = ["incident.reported", "incident.acknowledged", "incident.assigned", "incident.escalated",
  "incident.agency_notified", "incident.sop_step_done", "incident.noted", "incident.resolved",
  "incident.closed", "incident.reopened", "incident.marked_duplicate", "incident.photo_added"];

const bySeverityThenAge = (a, b) => a.severity - b.severity || String(a.reported_at).localeCompare(String(b.reported_at));

// Load the open incidents of a snapshot.
export function load(model, state) {
  model.incidents = new Map((state.incidents || []).map((i) => [i.incident_id, { ...i }]));
  for (const i of model.incidents.values()) known.set(i.incident_id, i);
}

// Apply a report or an action: open incidents stay in the model, closed ones leave it.
export function apply(model, env) {
  const d = env.data || {};
  if (!model.incidents) model.incidents = new Map();
  if (env.type === "incident.reported") {
    const row = { ...d, status: "reported", reported_at: env.observed_at || env.ts, assignee: null, sop_done: [],
      photos: d.photo_ids || [], acknowledged_at: null, escalations: 0 };
    model.incidents.set(d.incident_id, row);
    known.set(d.incident_id, row);
    return true;
  }
  let row = model.incidents.get(d.incident_id);
  if (!row && env.type === "incident.reopened" && known.has(d.incident_id)) {
    // Back on the wall at once: the page saw it before it was resolved or closed.
    row = { ...known.get(d.incident_id), status: "acknowledged" };
    model.incidents.set(d.incident_id, row);
    known.set(d.incident_id, row);
  }
  if (!row) return false; // closed before the page saw it; a reopen is picked up by the next snapshot
  if (NEXT[env.type]) row.status = NEXT[env.type];
  if (env.type === "incident.acknowledged") Object.assign(row, { acknowledged_at: env.ts, acknowledged_by: env.actor?.username });
  if (env.type === "incident.assigned") row.assignee = d.assignee;
  if (env.type === "incident.photo_added") row.photos = [...(row.photos || []), ...d.photo_ids];
  if (env.type === "incident.escalated") row.escalations = (row.escalations || 0) + 1;
  if (env.type === "incident.sop_step_done") row.sop_done = [...new Set([...(row.sop_done || []), d.step])];
  if (!OPEN.has(row.status)) model.incidents.delete(d.incident_id);
  return true;
}

// Return the open incidents, most severe first, then oldest.
export function openIncidents(model) {
  return [...(model.incidents?.values() || [])].sort(bySeverityThenAge);
}

// Return a category's name in the viewer's language.
function categoryName(id, index) {
  const c = (index?.venue?.incident_categories || []).find((x) => x.id === id);
  return c ? loc(c.name) : id || "";
}

// Return "Fire / smoke · E2 东门" for an incident the page has seen, else "".
function which(id, index) {
  const i = known.get(id);
  if (!i) return "";
  return [categoryName(i.category, index), index ? index.label(i.location_id) : i.location_id].join(" · ");
}

// Return what happened, for the feed line.
export function details(env, index) {
  const d = env.data || {};
  if (env.type === "incident.reported") {
    known.set(d.incident_id, d);
    return t("feed.incident.reported", { category: categoryName(d.category, index), severity: d.severity })
      + (d.description ? ` · ${d.description}` : "");
  }
  const parts = [which(d.incident_id, index)];
  if (env.type === "incident.assigned") {
    // A wall-only display account names nobody (category, severity, place and times only).
    parts.push(document.body.dataset.role === "display" ? t("incident.assigned")
      : t("feed.incident.assigned", { assignee: d.assignee }));
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
  if (env.type === "incident.marked_duplicate") parts.push(t("feed.incident.duplicate", { of: which(d.of, index) || d.of }));
  parts.push(d.note || d.reason || "");
  return parts.filter(Boolean).join(" · ") || tOr(`feed.${env.type}`, "");
}
