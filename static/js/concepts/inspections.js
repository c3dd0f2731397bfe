// Inspections, hazards and today's readiness board on the screens
// (mirrors server/inspections/fold.py and server/inspections/readiness.py).
import { loc, t } from "../i18n.js";

export const types = ["inspection.recorded", "hazard.opened", "hazard.assigned", "hazard.rectified"];

// Return a checklist's (and optionally an item's) name from the venue index.
export function checklistName(index, checklistId, itemId = null) {
  const checklist = (index?.venue?.checklists || []).find((c) => c.id === checklistId);
  if (!checklist) return itemId || checklistId;
  if (!itemId) return loc(checklist.name);
  const item = (checklist.items || []).find((i) => i.id === itemId);
  return item ? loc(item.name) : itemId;
}

// Recompute each cell's state, what is missing and whether the venue is ready.
export function settle(board, hazards) {
  const openByCell = new Map();
  const critical = [];
  for (const h of hazards.values()) {
    const key = `${h.checklist_id}@${h.area_id}`;
    openByCell.set(key, (openByCell.get(key) || 0) + 1);
    if (h.critical) critical.push(h);
  }
  for (const cell of board.cells) {
    cell.open_hazards = openByCell.get(`${cell.checklist_id}@${cell.area_id}`) || 0;
    cell.state = cell.open_hazards ? "open_hazards" : cell.inspected_at ? "passed" : "not_inspected";
  }
  critical.sort((a, b) => String(a.opened_at).localeCompare(String(b.opened_at)) || a.hazard_id.localeCompare(b.hazard_id));
  board.missing = [
    ...board.cells.filter((c) => c.required && c.state !== "passed")
      .map((c) => ({ code: c.state, key: `${c.checklist_id}@${c.area_id}`, checklist_id: c.checklist_id, area_id: c.area_id })),
    ...critical.map((h) => ({ code: "critical_hazard", key: `hazard:${h.hazard_id}`, checklist_id: h.checklist_id,
      area_id: h.area_id, hazard_id: h.hazard_id, item_id: h.item_id })),
  ];
  board.ready = board.missing.length === 0;
  return board;
}

// Load the open hazards and today's board of a snapshot.
export function load(model, state) {
  model.hazards = new Map((state.hazards || []).map((h) => [h.hazard_id, { ...h }]));
  const board = state.readiness || { day: null, cells: [], missing: [], ready: true, override: null };
  model.readiness = { ...board, cells: (board.cells || []).map((c) => ({ ...c })) };
  settle(model.readiness, model.hazards);
}

// Apply an inspection or a hazard's change to the board.
export function apply(model, env) {
  const d = env.data || {};
  if (!model.hazards) load(model, {});
  if (env.type === "inspection.recorded") {
    if (d.day !== model.readiness.day) return false; // another day's inspection: not on today's board
    const cell = model.readiness.cells.find((c) => c.checklist_id === d.checklist_id && c.area_id === d.area_id);
    if (!cell) return false;
    if (!cell.inspected_at || cell.inspected_at < env.ts) cell.inspected_at = env.ts;
  } else if (env.type === "hazard.opened") {
    model.hazards.set(d.hazard_id, { ...d, status: "open", opened_at: env.ts, assignee: null });
  } else if (env.type === "hazard.assigned") {
    const h = model.hazards.get(d.hazard_id);
    if (!h) return false;
    h.assignee = d.assignee;
    return true;
  } else if (env.type === "hazard.rectified") {
    if (!model.hazards.delete(d.hazard_id)) return false;
  } else {
    return false;
  }
  settle(model.readiness, model.hazards);
  return true;
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
  if (env.type === "hazard.assigned") return t("feed.hazard.assigned", { assignee: d.assignee });
  if (env.type === "hazard.rectified") {
    return t(d.fixed_on_spot ? "feed.hazard.on_spot" : "feed.hazard.rectified", { min: Math.round(d.minutes_open) });
  }
  return "";
}
