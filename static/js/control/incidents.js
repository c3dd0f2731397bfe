// Control-room incidents panel: open incidents by severity then age with running timers, pulsing
// markers on the floor plan, a severity-1 banner with an alarm, and acknowledge/assign for operators.
// Drawn from the sections.incidents rows (open incidents, shaped for the viewer).
import { ApiError, post } from "../api.js";
import { errorText, h } from "../common.js";
import { HIDDEN_NAME, bySeverity } from "../concepts/incidents.js";
import { actorName, knownPeople } from "../feed.js";
import { loc, t } from "../i18n.js";
import { activeGuards } from "../patrol.js";
import { beep } from "../sound.js";
import { fitColumns } from "./fit.js";

const SVG = "http://www.w3.org/2000/svg";
const ALARM_EVERY_S = 20; // repeat the severity-1 alarm while nobody has acknowledged it
let panel = null; // the panel's elements and flags, set by mount
let alarmAt = 0;

// Return "03:07" or "1:03:07" for a span of milliseconds.
export function span(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

// Return a category's name in the viewer's language.
function categoryName(screen, id) {
  const c = (screen.index.venue.incident_categories || []).find((x) => x.id === id);
  return c ? loc(c.name) : id;
}

// Return "火情/烟雾 · E2 东门" for an incident.
function what(screen, i) {
  return `${categoryName(screen, i.category)} · ${screen.index.label(i.location_id)}`;
}

// Add the panel's dialog, banner and plan layer to the screen.
export function mount(screen) {
  const section = screen.root.querySelector("[data-incidents-panel]");
  if (!section) return;
  const plan = screen.root.querySelector("[data-plan]");
  const layer = plan ? document.createElementNS(SVG, "g") : null;
  if (layer) {
    layer.setAttribute("class", "incident-layer");
    layer.setAttribute("data-incident-layer", "");
    plan.append(layer);
  }
  screen.root.querySelector(".c-legend")?.append(h("li", { class: "c-legend-incidents" }, t("incident.legend"),
    ...[1, 2, 3, 4].map((n) => h("span", { class: "c-legend-sev", "data-severity": String(n) }, String(n)))));
  const banner = h("div", { class: "c-incident-banner", "data-incident-banner": "", role: "alert", hidden: true });
  screen.root.querySelector("[data-banner]").after(banner);
  panel = { section, layer, banner, canRun: section.dataset.canRun === "true", dialog: null };
  if (panel.canRun) panel.dialog = assignDialog(screen);
  screen.root.addEventListener("click", (e) => {
    const ack = e.target.closest("[data-incident-ack]");
    if (ack && panel.canRun) acknowledge(screen, ack);
    const assign = e.target.closest("[data-incident-assign]");
    if (assign && panel.canRun) openPicker(screen, assign.dataset.incidentAssign);
  });
}

// Tell whether a frame's patches brought a new severity-1 incident (the alarm's cue).
function newSevere(screen, changed) {
  return [...(changed?.get("incidents") || [])].some(([key, before]) => {
    const row = screen.store.row("incidents", key);
    return !before && row?.severity === 1 && row.status === "reported";
  });
}

// Redraw the list, the plan markers and the banner (only when incidents changed); the rows that do
// not fit the panel are counted by static/js/control/fit.js.
export function render(screen, changed) {
  if (!panel || (changed && !changed.has("incidents"))) return;
  const rows = bySeverity(screen.store.rows("incidents"));
  panel.section.querySelector("[data-incidents]").replaceChildren(...rows.map((i) => row(screen, i)));
  panel.section.querySelector("[data-incidents-empty]").hidden = rows.length > 0;
  panel.section.querySelector("[data-incident-count]").textContent = String(rows.length);
  drawMarkers(screen, rows);
  drawBanner(screen, rows);
  if (newSevere(screen, changed)) soundAlarm(screen);
  tick(screen);
}

// Advance the timers in place (no redraw, so nothing moves) and repeat the alarm.
export function tick(screen) {
  if (!panel) return;
  const now = screen.now();
  for (const el of screen.root.querySelectorAll("[data-since]")) {
    const text = span(now - Date.parse(el.dataset.since));
    if (el.textContent !== text) el.textContent = text;
  }
  if (!panel.banner.hidden && now - alarmAt >= ALARM_EVERY_S * 1000) soundAlarm(screen);
}

// Play the severity-1 alarm (silent until "enable sound" was pressed).
function soundAlarm(screen) {
  alarmAt = screen.now();
  beep(988, 0.3, 3);
}

// Return a timer element that tick() keeps running from an ISO time.
function timer(label, since) {
  return h("span", { class: "c-itimer" }, h("small", {}, label), " ", h("b", { "data-since": since }, "--:--"));
}

// Return one incident's list item.
function row(screen, i) {
  const status = [t(`incident.status.${i.status}`)];
  if (i.assignee) status.push(panel.canRun && i.assignee !== HIDDEN_NAME
    ? t("incident.assigned_to", { name: actorName({ username: i.assignee }) }) : t("incident.assigned"));
  if (i.escalations) status.push(t("incident.escalated"));
  const buttons = [];
  if (panel.canRun && i.status === "reported") {
    buttons.push(h("button", { type: "button", class: "c-iack", "data-incident-ack": i.incident_id }, t("control.ack")));
  }
  if (panel.canRun && i.status === "acknowledged") {
    buttons.push(h("button", { type: "button", class: "c-iassign", "data-incident-assign": i.incident_id },
      t(i.assignee ? "incident.reassign" : "incident.assign")));
  }
  return h("li", { "data-incident": i.incident_id, "data-severity": String(i.severity), "data-status": i.status },
    h("span", { class: "c-isev", title: t("incident.severity_n", { n: i.severity }) }, String(i.severity)),
    h("span", { class: "c-iwhat" }, what(screen, i)),
    h("span", { class: "c-istatus" }, [...status, i.description || ""].filter(Boolean).join(" · ")),
    h("span", { class: "c-itimers" }, timer(t("incident.age"), i.reported_at),
      i.acknowledged_at ? timer(t("incident.since_ack"), i.acknowledged_at) : null),
    buttons.length ? h("span", { class: "c-iactions" }, buttons) : null);
}

// Return where a location's badges go on the plan: beside its checkpoint marker (on the side
// facing the middle of the plan), else left of its zone's name; null when the plan lacks it.
function spotOf(screen, id) {
  const cp = screen.index.checkpoints.get(id) || screen.index.entrances.get(id);
  const plan = screen.root.querySelector("[data-plan]");
  const { width, height } = plan.viewBox.baseVal;
  const r = Math.min(width, height) * 0.026;
  if (cp && cp.x != null && cp.y != null) {
    const side = cp.x > width * 0.85 ? -1 : 1;
    return { x: cp.x + side * r * 2.3, y: cp.y, r, step: side * r * 2.2 };
  }
  const label = plan.querySelector(`[data-zone-label="${CSS.escape(id)}"]`);
  if (!label) return null;
  const box = label.getBBox();
  return { x: box.x - r * 1.4, y: box.y + box.height / 2, r, step: -r * 2.2 };
}

// Draw one pulsing badge per open incident at its location (several at one place side by side).
function drawMarkers(screen, rows) {
  if (!panel.layer) return;
  const count = new Map();
  const shapes = [];
  for (const i of [...rows].reverse()) {
    const spot = spotOf(screen, i.location_id);
    if (!spot) continue;
    const n = count.get(i.location_id) || 0;
    count.set(i.location_id, n + 1);
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "incident-marker");
    g.setAttribute("data-incident-marker", i.incident_id);
    g.setAttribute("data-severity", String(i.severity));
    g.setAttribute("data-status", i.status);
    g.setAttribute("transform", `translate(${spot.x + n * spot.step} ${spot.y})`);
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${t("incident.severity_n", { n: i.severity })} ${what(screen, i)}`;
    g.append(title, circle("pulse", spot.r), circle("badge", spot.r));
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("text-anchor", "middle");
    text.setAttribute("dominant-baseline", "central");
    text.setAttribute("font-size", String(spot.r * 1.2));
    text.textContent = String(i.severity);
    g.append(text);
    shapes.push(g);
  }
  panel.layer.replaceChildren(...shapes);
}

// Return an SVG circle of radius r.
function circle(cls, r) {
  const c = document.createElementNS(SVG, "circle");
  c.setAttribute("class", cls);
  c.setAttribute("r", String(r));
  return c;
}

// Show the oldest unacknowledged severity-1 incident until someone acknowledges it.
function drawBanner(screen, rows) {
  const waiting = rows.filter((i) => i.severity === 1 && i.status === "reported");
  const banner = panel.banner;
  banner.hidden = waiting.length === 0;
  if (!waiting.length) {
    delete banner.dataset.incident;
    return;
  }
  const first = waiting[0];
  banner.dataset.incident = first.incident_id;
  banner.replaceChildren(...[
    h("span", { class: "c-ib-title" }, t("incident.banner", { what: what(screen, first) })),
    timer(t("incident.unacknowledged"), first.reported_at),
    waiting.length > 1 ? h("span", { class: "c-ib-more" }, t("incident.banner_more", { n: waiting.length - 1 })) : null,
    panel.canRun ? h("button", { type: "button", class: "c-iack", "data-incident-ack": first.incident_id }, t("control.ack")) : null,
  ].filter(Boolean));
}

// Show an answer's incident at once (shaped for this viewer; the live patch that follows says
// the same). A row the page no longer has stays gone.
function took(screen, incident) {
  if (!incident || !screen.store.row("incidents", incident.incident_id)) return;
  render(screen, screen.store.patch({ incidents: { [incident.incident_id]: incident } }));
  fitColumns(screen.root);
}

// Acknowledge an incident from a row or the banner.
async function acknowledge(screen, btn) {
  const id = btn.dataset.incidentAck;
  for (const b of screen.root.querySelectorAll(`[data-incident-ack="${CSS.escape(id)}"]`)) {
    b.disabled = true;
    b.textContent = t("control.acking");
  }
  try {
    took(screen, (await post(`/api/v1/incidents/${encodeURIComponent(id)}/actions`, { action: "acknowledge" })).incident);
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) return; // someone else took it; their event redraws
    for (const b of screen.root.querySelectorAll(`[data-incident-ack="${CSS.escape(id)}"]`)) {
      b.disabled = false;
      b.textContent = t("control.ack");
      b.title = errorText(err);
    }
  }
}

// Build the assign picker: a modal listing the people the snapshot knows, active guards first.
function assignDialog(screen) {
  const dialog = h("dialog", { class: "c-picker", "data-assign-picker": "" },
    h("h2", {}, t("incident.assign_title")),
    h("p", { class: "c-picker-what", "data-picker-what": "" }),
    h("div", { class: "c-picker-people", "data-picker-people": "" }),
    h("p", { class: "c-picker-error", "data-picker-error": "", role: "alert", hidden: true }),
    h("button", { type: "button", class: "c-picker-cancel", "data-picker-cancel": "" }, t("incident.cancel")));
  dialog.addEventListener("click", (e) => {
    if (e.target.closest("[data-picker-cancel]") || e.target === dialog) dialog.close();
    const who = e.target.closest("[data-assignee]");
    if (who) assign(screen, dialog, who);
  });
  screen.root.append(dialog);
  return dialog;
}

// Open the picker for an incident.
function openPicker(screen, id) {
  const dialog = panel.dialog;
  const incident = screen.store.row("incidents", id);
  if (!dialog || !incident) return;
  dialog.dataset.incident = id;
  dialog.querySelector("[data-picker-what]").textContent = what(screen, incident);
  dialog.querySelector("[data-picker-error]").hidden = true;
  const active = new Set(activeGuards(screen.store.rows("guards_active"), screen.now()));
  const people = Object.entries(knownPeople())
    .sort(([a, an], [b, bn]) => Number(active.has(b)) - Number(active.has(a)) || an.localeCompare(bn));
  dialog.querySelector("[data-picker-people]").replaceChildren(...people.map(([username, name]) =>
    h("button", { type: "button", "data-assignee": username, "data-active": active.has(username) ? "true" : "false",
      "aria-pressed": incident.assignee === username ? "true" : "false" },
    h("b", {}, name), h("small", {}, active.has(username) ? t("incident.active_guard") : username))));
  dialog.showModal();
}

// Assign the picker's incident to the chosen person.
async function assign(screen, dialog, btn) {
  const id = dialog.dataset.incident;
  const error = dialog.querySelector("[data-picker-error]");
  btn.disabled = true;
  try {
    const answer = await post(`/api/v1/incidents/${encodeURIComponent(id)}/actions`,
      { action: "assign", assignee: btn.dataset.assignee });
    dialog.close();
    took(screen, answer.incident);
  } catch (err) {
    btn.disabled = false;
    error.textContent = errorText(err);
    error.hidden = false;
  }
}
