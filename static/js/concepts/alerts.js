// Alerts on the screens: their text and feed lines (the open ones are sections.alerts rows).
import { loc, t, tOr } from "../i18n.js";

export const types = ["alert.raised", "alert.acknowledged", "alert.closed"];

// Return the open alerts, the most severe first, then the oldest (waiting longest) first.
export function bySeverity(rows) {
  const key = (a) => [a.severity || 9, Date.parse(a.raised_at || 0)];
  return rows.filter((a) => !a.status || a.status === "open").sort((a, b) => {
    const [sa, ta] = key(a);
    const [sb, tb] = key(b);
    return sa - sb || ta - tb;
  });
}

// Return "火情/烟雾 · E3 南门": the incident an alert is about, as its row reads (from the alert, else
// the incident row the page has).
function incidentWhat(alert, index, lookup) {
  const row = lookup?.("incidents", alert.incident_id) || {};
  const category = alert.category || row.category;
  const where = alert.location_id || row.location_id;
  const c = (index?.venue?.incident_categories || []).find((x) => x.id === category);
  return [c ? loc(c.name) : category || "", where ? index?.label?.(where) || where : ""].filter(Boolean).join(" · ");
}

// Return the localized text of an alert: its place and subject, then what is wrong.
export function alertText(alert, index, lookup = null) {
  if (alert.kind === "patrol_overdue" && alert.checkpoint_id) {
    return t("alert.patrol_overdue", { checkpoint: index.label(alert.checkpoint_id) });
  }
  if (alert.kind === "phase_due") { // the programme proposes a phase; a commander confirms on /command
    return t("alert.phase_due", { meeting: loc(alert.meeting_name), time: alert.meeting_at || "",
      phase: index?.phaseName?.(alert.proposed_phase) || alert.proposed_phase || "" });
  }
  const spot = alert.entrance_id || alert.area_id || alert.location_id;
  const place = spot ? index?.label?.(spot) || spot : "";
  const visitor = alert.visitor_id ? lookup?.("visitors", alert.visitor_id)?.name || "" : "";
  const what = alert.incident_id ? incidentWhat(alert, index, lookup) : "";
  const n = (alert.missing || []).length;
  return tOr(`alert.${alert.kind}`, alert.message || alert.kind || "",
    { ...alert, place, entrance: place, what, visitor, n });
}

// Return what happened, for the feed line.
export function details(env, index, lookup) {
  if (env.type === "alert.raised") return alertText(env.data || {}, index, lookup);
  if (env.type === "alert.closed") {
    const raised = lookup?.("alerts", env.data?.alert_id);
    const why = tOr(`alert.closed.${env.data?.reason}`, env.data?.reason || "", {});
    return raised ? `${alertText(raised, index, lookup)} — ${why}` : why;
  }
  return "";
}
