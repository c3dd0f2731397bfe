// Clearance screen: the zones still to sweep after the meeting, one tap to confirm each.
import { ApiError, get } from "../api.js";
import { clearErrors, setFieldError, setFormError } from "../common.js";
import { serverIso } from "../clock.js";
import { took } from "../concepts/clearance.js";
import { t, timeHM } from "../i18n.js";

export const name = "clearance";

let shell = null;
let root = null;
let board = null; // GET /api/v1/clearance
let queued = new Map(); // zone_id -> people_found waiting in the outbox

const zoneName = (id) => (shell.index ? shell.index.name(id) : id);

// Draw one zone card from the template.
function zoneCard(zone) {
  const li = root.querySelector("[data-clr-zone]").content.firstElementChild.cloneNode(true);
  const state = queued.has(zone.zone_id) ? "queued" : zone.state;
  li.dataset.zone = zone.zone_id;
  li.dataset.state = state;
  li.querySelector("[data-zone-name]").textContent = zoneName(zone.zone_id);
  li.querySelector("[data-zone-state]").textContent = state === "queued"
    ? t("guard.queued_short") : t(`clearance.state.${zone.state}`);
  const who = [];
  // The board names people by username; its `people` carries their display names.
  if (zone.by) who.push(t("clearance.by", { who: board?.people?.[zone.by] || zone.by, time: timeHM(zone.at) }));
  if (zone.state === "people_found") who.unshift(t("clearance.still_inside", { n: zone.people_found }));
  else if (zone.found_earlier) who.push(t("clearance.found_earlier", { n: zone.found_earlier }));
  li.querySelector("[data-zone-who]").textContent = who.join(" · ");
  li.querySelector("[data-zone-actions]").hidden = state === "queued";
  return li;
}

// Return the "people found" forms a guard has open, with what they typed, by zone: a redraw
// (another guard's confirmation, the live connection's refresh) must not throw that away.
function openForms() {
  const kept = new Map();
  for (const form of root.querySelectorAll("[data-zone] [data-found-form]:not([hidden])")) {
    kept.set(form.closest("[data-zone]").dataset.zone, {
      people: form.elements.people_found.value, note: form.elements.note.value,
      focus: form.contains(document.activeElement) ? document.activeElement.name : null,
    });
  }
  return kept;
}

// Reopen the forms kept by openForms() on zones still to confirm (a queued or cleared zone's closes).
function reopen(kept) {
  for (const [zone, typed] of kept) {
    const card = root.querySelector(`[data-clr-todo] [data-zone="${CSS.escape(zone)}"]`);
    if (!card || card.dataset.state === "queued") continue;
    const form = card.querySelector("[data-found-form]");
    form.hidden = false;
    card.querySelector("[data-zone-actions]").hidden = true;
    form.elements.people_found.value = typed.people;
    form.elements.note.value = typed.note;
    if (typed.focus) form.elements[typed.focus]?.focus();
  }
}

// Redraw the whole screen from the board (keeping any form a guard is filling in).
function render() {
  const kept = openForms();
  draw();
  reopen(kept);
}

function draw() {
  const open = board && board.round_id && (board.open || board.venue_cleared);
  root.querySelector("[data-clr-none]").hidden = Boolean(open);
  root.querySelector("[data-clr-round]").hidden = !open;
  if (!open) return;
  const todo = board.zones.filter((z) => z.state !== "cleared");
  const done = board.zones.filter((z) => z.state === "cleared");
  root.querySelector("[data-clr-progress-text]").textContent =
    t("clearance.progress", { done: done.length, total: board.zones.length });
  const bar = root.querySelector("[data-clr-bar]");
  bar.max = board.zones.length;
  bar.value = done.length;
  const cleared = root.querySelector("[data-clr-cleared]");
  cleared.hidden = !board.venue_cleared;
  if (board.venue_cleared) { // every zone clear; the venue is cleared only with nobody left on the roll
    const key = board.verdict === "zones_clear_visitors_left" ? "clearance.zones_cleared_in" : "clearance.venue_cleared_in";
    cleared.textContent = t(key, { time: timeHM(board.completed_at), took: took(board.took_s) });
    cleared.dataset.verdict = board.verdict || "cleared";
  }
  root.querySelector("[data-clr-todo]").replaceChildren(...todo.map(zoneCard));
  root.querySelector("[data-clr-done]").replaceChildren(...done.map(zoneCard));
  root.querySelector("[data-clr-done-title]").hidden = done.length === 0;
}

// Queue a confirmation of one zone through the outbox.
async function send(zoneId, peopleFound, note) {
  const body = { people_found: peopleFound };
  if (note) body.note = note;
  queued.set(zoneId, peopleFound);
  render();
  await shell.outbox.add(`/api/v1/clearance/${encodeURIComponent(zoneId)}`, body,
    { kind: name, zone_id: zoneId, people_found: peopleFound, at: serverIso() });
  shell.outbox.flush();
}

function onClick(e) {
  const card = e.target.closest("[data-zone]");
  if (!card) return;
  const form = card.querySelector("[data-found-form]");
  if (e.target.closest("[data-clear]")) {
    send(card.dataset.zone, 0, "");
  } else if (e.target.closest("[data-found]")) {
    form.hidden = false;
    card.querySelector("[data-zone-actions]").hidden = true;
    form.elements.people_found.focus();
  } else if (e.target.closest("[data-cancel]")) {
    form.hidden = true;
    clearErrors(form);
    card.querySelector("[data-zone-actions]").hidden = false;
  }
}

function onSubmit(e) {
  e.preventDefault();
  const form = e.target;
  const card = form.closest("[data-zone]");
  const n = Number(form.elements.people_found.value);
  if (!Number.isInteger(n) || n < 1) {
    setFieldError(form, "people_found", t("clearance.people_needed"));
    form.elements.people_found.focus();
    return;
  }
  send(card.dataset.zone, n, form.elements.note.value.trim());
}

// The server took a confirmation: say so and show the new board.
export function sent(item, data) {
  queued.delete(item.label.zone_id);
  if (data.clearance) board = { ...board, ...data.clearance };
  const zone = zoneName(item.label.zone_id);
  const time = timeHM(data.events?.[0]?.ts || item.label.at);
  shell.toast("ok", item.label.people_found
    ? t("clearance.saved_found", { zone, n: item.label.people_found, time }) : t("clearance.saved", { zone, time }),
  { view: name });
  render();
}

// Confirmations wait in the outbox: keep their zones marked as queued.
export function held() {
  render();
}

// The server refused a confirmation: already cleared by someone else, or no round open.
export function rejected(item, error) {
  queued.delete(item.label.zone_id);
  const zone = zoneName(item.label.zone_id);
  if (error.status === 409 && error.code === "zone_cleared") shell.toast("ok", t("clearance.already", { zone }), { view: name });
  else shell.toast("error", t("guard.rejected", { message: `${zone} — ${shell.errorText(error)}` }), { view: name });
  const form = root.querySelector(`[data-zone="${CSS.escape(item.label.zone_id)}"] [data-found-form]`);
  if (form && !form.hidden) setFormError(form, shell.errorText(error));
  refresh();
}

// Tell whether a refusal settles the confirmation (someone else cleared the zone): nothing to keep.
export const settles = (item, error) => error.status === 409 && error.code === "zone_cleared";

// Describe a waiting confirmation in the outbox panel.
export function outboxLine(item) {
  return t("clearance.pending_item", { zone: zoneName(item.label.zone_id), time: timeHM(item.label.at) });
}

// Fetch the board (every zone of the round, who cleared it and when).
export async function refresh() {
  try {
    board = await get("/api/v1/clearance");
    const waiting = (await shell.outbox.waiting()).filter((i) => i.label?.kind === name);
    queued = new Map(waiting.map((i) => [i.label.zone_id, i.label.people_found]));
    render();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

// A phase change or another guard's confirmation changes the board: fetch it again.
export function onEvents(envs) {
  if (envs.some((e) => e.type === "phase.changed" || e.type.startsWith("clearance."))) refresh();
}

// Bind the screen.
export function mount(s) {
  shell = s;
  root = document.querySelector("[data-clearance]");
  root.addEventListener("click", onClick);
  root.addEventListener("submit", onSubmit);
}
