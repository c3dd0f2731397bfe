// Inspections and hazards: checklist names and feed lines (the open hazards and today's board
// are sections.hazards and sections.readiness, settled by the server).
import { loc, t } from "../i18n.js";
import { personName } from "../people.js";

export const types = ["inspection.recorded", "hazard.opened", "hazard.assigned", "hazard.rectified"];

// Return a checklist's (and optionally an item's) name from the venue index.
export function checklistName(index, checklistId, itemId = null) {
  const checklist = (index?.venue?.checklists || []).find((c) => c.id === checklistId);
  if (!checklist) return itemId || checklistId;
  if (!itemId) return loc(checklist.name);
  const item = (checklist.items || []).find((i) => i.id === itemId);
  return item ? loc(item.name) : itemId;
}

// Return what happened, for the feed line.
export function details(env, index) {
  const d = env.data || {};
  if (env.type === "inspection.recorded") {
    const params = { checklist: checklistName(index, d.checklist_id),
      n: (d.results || []).length, failed: (d.failed || []).length };
    return t(params.failed ? "feed.inspection.recorded" : "feed.inspection.passed", params);
  }
  if (env.type === "hazard.opened") {
    return t("feed.hazard.opened", { item: checklistName(index, d.checklist_id, d.item_id),
      critical: d.critical ? t("feed.hazard.critical") : "" });
  }
  if (env.type === "hazard.assigned") return t("feed.hazard.assigned", { assignee: personName(d.assignee) });
  if (env.type === "hazard.rectified") {
    return t(d.fixed_on_spot ? "feed.hazard.on_spot" : "feed.hazard.rectified", { min: Math.round(d.minutes_open) });
  }
  return "";
}
