// Patrols: the feed lines of check-ins and overdue marks (the rows are sections.patrols).
import { t, tOr, timeHM } from "../i18n.js";

export const types = ["patrol.checkin", "patrol.overdue"];

// Return what happened, for the feed line.
export function details(env) {
  const d = env.data || {};
  if (env.type === "patrol.overdue") return t("feed.overdue", { time: timeHM(d.due_at), interval: d.interval_min ?? "?" });
  return [tOr(`status.${d.status}`, d.status || ""), d.note ? `· ${d.note}` : ""].filter(Boolean).join(" ");
}
