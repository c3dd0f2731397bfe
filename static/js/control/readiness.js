// The readiness board on the wall before the session: checklist × area, and zones on the plan
// coloured by readiness (green passed, amber still to inspect, red open hazards). The board is
// the sections.readiness row "today", settled by the server. After a commander's override (today,
// venue-local — the server drops it the next day) the board stays on the wall in any phase, with
// what is still missing listed and each item the override named marked "overridden".
import { h } from "../common.js";
import { checklistName } from "../concepts/inspections.js";
import { lang, loc, t, timeHM } from "../i18n.js";
import { touches } from "../store.js";

const AFTER = new Set(["in_session", "post_event"]); // the board is for before the session

const SHOWN = 4; // missing items listed on the wall after an override
let panel = null;

// Find the panel's section.
export function mount(screen) {
  panel = screen.root.querySelector("[data-readiness-board]");
}

// Return each zone's readiness: hazard, pending or passed (zones no checklist covers: none).
function zoneStates(board) {
  const states = new Map();
  for (const cell of board.cells) {
    const before = states.get(cell.area_id);
    if (cell.state === "open_hazards") states.set(cell.area_id, "hazard");
    else if (cell.required && cell.state === "not_inspected" && before !== "hazard") states.set(cell.area_id, "pending");
    else if (cell.state === "passed" && !before) states.set(cell.area_id, "passed");
  }
  return states;
}

// Return a cell's mark, so its state reads without its colour: ✓ passed, ○ still to inspect,
// !N open hazards.
function mark(cell) {
  if (cell.state === "open_hazards") return `!${cell.open_hazards || ""}`;
  if (cell.state === "passed") return "✓";
  return cell.required && cell.state === "not_inspected" ? "○" : "";
}

function renderBoard(screen, board) {
  const zones = [...screen.index.zones.values()].filter((z) => board.cells.some((c) => c.area_id === z.id));
  const cells = new Map(board.cells.map((c) => [`${c.checklist_id}@${c.area_id}`, c]));
  const head = h("tr", {}, h("th", {}), ...zones.map((z) => h("th", { scope: "col" }, h("span", {}, loc(z.name)))));
  const rows = (screen.index.venue.checklists || []).map((cl) => h("tr", { "data-checklist": cl.id },
    h("th", { scope: "row" }, checklistName(screen.index, cl.id)),
    ...zones.map((z) => {
      const cell = cells.get(`${cl.id}@${z.id}`);
      if (!cell) return h("td", { class: "na" });
      return h("td", { "data-cell": `${cl.id}@${z.id}`, "data-state": cell.state, "data-required": String(cell.required),
        title: t(`inspection.state.${cell.state}`) }, mark(cell));
    })));
  panel.querySelector("[data-board]").replaceChildren(h("thead", {}, head), h("tbody", {}, ...rows));
  panel.querySelector("[data-board-legend]")?.replaceChildren(
    ...[["passed", "✓"], ["pending", "○"], ["hazard", "!"]].map(([key, sign]) =>
      h("li", { "data-state": key }, h("b", {}, sign), " ", t(`readiness.legend_${key}`))));
}

// Return one checklist's line of the compact board: its worst state in a sign and in words (open
// hazards, areas still to inspect, or all passed); the plan's colours show which zones.
function compactLine(screen, cl, cells) {
  const mine = cells.filter((c) => c.checklist_id === cl.id && c.required);
  const count = (state) => mine.filter((c) => c.state === state).length;
  const hazards = count("open_hazards");
  const pending = count("not_inspected");
  const state = hazards ? "hazard" : pending ? "pending" : "passed";
  const detail = state === "passed" ? t("readiness.compact_all", { n: mine.length })
    : [hazards ? t("readiness.compact_hazard", { n: hazards }) : "",
      pending ? t("readiness.compact_pending", { n: pending, total: mine.length }) : ""].filter(Boolean).join(" · ");
  return h("li", { "data-checklist": cl.id, "data-state": state },
    h("b", { class: "c-bc-mark", "aria-hidden": "true" }, { hazard: "!", pending: "○", passed: "✓" }[state]),
    h("span", { class: "c-bc-name" }, checklistName(screen.index, cl.id)),
    h("span", { class: "c-bc-detail" }, detail));
}

// Draw the compact board (shown instead of the grid when the grid does not fit, control/fit.js):
// one line per checklist that has a required area today, the least ready first.
function renderCompact(screen, board) {
  const order = { hazard: 0, pending: 1, passed: 2 };
  const lines = (screen.index.venue.checklists || [])
    .filter((cl) => board.cells.some((c) => c.checklist_id === cl.id && c.required))
    .map((cl) => compactLine(screen, cl, board.cells))
    .sort((a, b) => order[a.dataset.state] - order[b.dataset.state]);
  panel.querySelector("[data-board-compact]").replaceChildren(...lines);
}

// List what is still missing; an item the override entered over carries a mark and a word.
function renderMissing(board) {
  const list = panel.querySelector("[data-missing-list]");
  // critical hazards first; beyond SHOWN the rest are counted, never cut silently
  const all = board.override ? [...board.missing].sort((a, b) => (b.code === "critical_hazard") - (a.code === "critical_hazard")) : [];
  const items = all.slice(0, SHOWN);
  list.hidden = all.length === 0;
  list.dataset.fitExtra = String(Math.max(0, all.length - SHOWN)); // fit.js counts these with the rows it hides
  list.replaceChildren(...items.map((m) => h("li", {
    "data-missing": m.key, "data-code": m.code, "data-overridden": m.overridden ? "true" : "false" },
  h("span", { class: "c-miss-mark", "aria-hidden": "true" }, m.code === "critical_hazard" ? "⚠" : "○"),
  h("span", { class: "c-miss-text" }, lang === "en" ? m.en : m.zh),
  m.overridden ? h("span", { class: "c-miss-tag" }, t("readiness.overridden")) : "")));
}

// Redraw the board and the zone colours from the rows.
export function render(screen, changed) {
  if (!touches(changed, ["readiness", "phase"])) return;
  const board = screen.store.row("readiness", "today");
  const before = !AFTER.has(screen.store.row("phase", "venue")?.phase);
  const show = Boolean(board?.cells?.length && (before || board.override));
  panel.hidden = !show;
  const states = show ? zoneStates(board) : new Map();
  for (const el of screen.root.querySelectorAll("[data-zone]")) {
    const state = states.get(el.dataset.zone);
    if (state) el.dataset.readiness = state; else delete el.dataset.readiness;
  }
  if (!show) return;
  const label = panel.querySelector("[data-ready-state]");
  label.dataset.ready = board.ready ? "true" : "false";
  const n = board.missing.length;
  label.textContent = board.ready ? t("readiness.ready")
    : board.override ? t("readiness.overridden_label", { n }) : t("readiness.not_ready", { n });
  // In session the grid gives way to the list of what is still missing (the plan keeps its colours).
  panel.querySelector("[data-board]").hidden = !before;
  panel.querySelector("[data-board-compact]").hidden = !before;
  renderBoard(screen, board);
  renderCompact(screen, board);
  renderMissing(board);
  panel.dataset.overridden = board.override ? "true" : "false";
  const o = board.override;
  const line = panel.querySelector("[data-override]");
  line.hidden = !o;
  if (o) line.textContent = t("readiness.override", { by: o.by, time: timeHM(o.at), reason: o.reason });
}
