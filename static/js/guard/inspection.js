// Facility inspection screen: pick a checklist and an area, walk the items one by one
// (pass, or fail with a note and maybe a photo), then submit through the outbox.
// Also lists the hazards assigned to this guard on the home screen.
import { ApiError, get } from "../api.js";
import { h, page, setFieldError, setFormError } from "../common.js";
import { checklistName } from "../concepts/inspections.js";
import { loc, t, timeHM } from "../i18n.js";
import { submission } from "./form.js";

export const name = "inspection";

let shell = null;
let root = null;
let checklist = null; // the venue's checklist being walked
let area = null;
let answers = []; // per item: {ok, note, file}
let at = 0; // index of the item shown
let board = new Map(); // "checklist@area" -> today's state
let scope = null; // the zones of the meeting at hand (the board's), or null: every area counts

const $ = (sel) => root.querySelector(sel);
const checklists = () => shell.index?.venue?.checklists || [];

function show(step) {
  for (const el of root.querySelectorAll("[data-step]")) el.hidden = el.dataset.step !== step;
}

// Return a zone's name in the page's language.
function zoneName(id) {
  const zone = shell.index?.zones.get(id);
  return zone ? loc(zone.name) : id;
}

function where() {
  return `${loc(checklist.name)} · ${zoneName(area)}`;
}

const inScope = (id) => !scope || scope.includes(id);

// With a meeting at hand, what its check needs comes first: its checklists and areas, then the rest.
function ordered(items, needed) {
  return [...items.filter(needed), ...items.filter((x) => !needed(x))];
}

// Draw the checklist buttons, and the areas of the chosen one with today's state.
function renderPick() {
  $("[data-checklists]").replaceChildren(...ordered(checklists(), (c) => c.areas.some(inScope)).map((c) => h("button", {
    type: "button", "data-checklist": c.id, "aria-pressed": checklist?.id === c.id ? "true" : "false",
    "data-scope": c.areas.some(inScope) ? "meeting" : "outside",
    onclick: () => { checklist = c; area = null; renderPick(); },
  }, loc(c.name), h("small", {}, t("inspection.items", { n: c.items.length })))));
  $("[data-area-label]").hidden = !checklist;
  $("[data-areas]").replaceChildren(...ordered(checklist ? checklist.areas : [], inScope).map((id) => {
    const state = board.get(`${checklist.id}@${id}`) || "not_inspected";
    return h("button", { type: "button", "data-area": id, "data-state": state, "data-scope": inScope(id) ? "meeting" : "outside",
      onclick: () => start(id) },
    zoneName(id), h("small", {}, inScope(id) ? t(`inspection.state.${state}`) : t("inspection.not_for_meeting")));
  }));
  const note = $("[data-meeting-scope]");
  if (note) {
    note.hidden = !scope;
    note.textContent = scope ? t("inspection.meeting_scope", { zones: scope.map(zoneName).join(document.documentElement.lang === "en" ? ", " : "、") }) : "";
  }
}

// Begin walking the chosen checklist in an area.
function start(areaId) {
  area = areaId;
  answers = checklist.items.map(() => null);
  at = 0;
  for (const el of root.querySelectorAll("[data-where]")) el.textContent = where();
  renderItem();
  show("walk");
}

// Show the item at `at` with the progress "3 / 12".
function renderItem() {
  const item = checklist.items[at];
  const form = $("[data-walk]");
  $("[data-progress]").textContent = t("inspection.progress", { i: at + 1, n: checklist.items.length });
  $("[data-bar]").style.width = `${(100 * at) / checklist.items.length}%`;
  $("[data-item]").textContent = loc(item.name);
  $("[data-critical]").hidden = !item.critical;
  const answer = answers[at];
  const failing = answer && !answer.ok;
  $("[data-fail-detail]").hidden = !failing;
  // Neither answer looks chosen until the guard chooses one; then exactly that one does.
  $('[data-answer="pass"]').setAttribute("aria-pressed", answer?.ok ? "true" : "false");
  $('[data-answer="fail"]').setAttribute("aria-pressed", failing ? "true" : "false");
  form.elements.note.value = failing ? answer.note : "";
  form.elements.photo.value = "";
  setFieldError(form, "note", "");
  root.querySelectorAll("[data-prev]").forEach((b) => { b.hidden = false; });
  window.scrollTo(0, 0);
}

function advance() {
  if (at < checklist.items.length - 1) {
    at += 1;
    renderItem();
  } else {
    renderDone();
  }
}

function answerPass() {
  answers[at] = { ok: true, note: "", file: null };
  advance();
}

function answerFail() {
  answers[at] = { ok: false, note: answers[at]?.note || "", file: answers[at]?.file || null };
  $("[data-fail-detail]").hidden = false;
  $('[data-answer="pass"]').setAttribute("aria-pressed", "false");
  $('[data-answer="fail"]').setAttribute("aria-pressed", "true");
  $("[data-walk]").elements.note.focus();
}

function next() {
  const form = $("[data-walk]");
  const note = form.elements.note.value.trim();
  if (!note) {
    setFieldError(form, "note", t("inspection.note_needed"));
    form.elements.note.focus();
    return;
  }
  answers[at] = { ok: false, note, file: form.elements.photo.files[0] || answers[at]?.file || null };
  advance();
}

function back() {
  if (!$("[data-done]").hidden) {
    show("walk");
    renderItem();
  } else if (at > 0) {
    at -= 1;
    renderItem();
  } else {
    show("pick");
  }
}

// Show the summary before submitting.
function renderDone() {
  const failed = checklist.items.filter((_, i) => !answers[i].ok);
  $("[data-summary]").textContent = t("inspection.summary", { ok: checklist.items.length - failed.length, failed: failed.length });
  $("[data-failed]").replaceChildren(...failed.map((item) => h("li", {}, loc(item.name))));
  setFormError($("[data-done]"), "");
  show("done");
}

// Return what to queue: every item's answer, each failed item's photo going with that item
// (the outbox fills results.<i>.photo_ids).
function build() {
  const body = {
    checklist_id: checklist.id, area_id: area,
    results: checklist.items.map((item, i) => ({ item_id: item.id, ok: answers[i].ok,
      ...(answers[i].ok ? {} : { note: answers[i].note }) })),
  };
  const withPhoto = answers.map((a, i) => [a.file, `results.${i}`]).filter(([file]) => file).slice(0, 5);
  return {
    url: "/api/v1/inspections", body, label: { checklist_id: checklist.id, area_id: area },
    options: { files: withPhoto.map(([file]) => file), places: withPhoto.map(([, place]) => place) },
  };
}

// Back to the checklists, ready for the next walk.
function finish() {
  checklist = null;
  area = null;
  renderPick();
  show("pick");
}

// This walk saved or queued: home, where the message shows.
function goHome(item, data, mine = true) {
  if (mine) shell.go("home");
  if (data) refresh();
  return false;
}

const saved = (item) => t("inspection.saved", { checklist: checklistName(shell.index, item.body.checklist_id),
  area: zoneName(item.body.area_id) });

let handler = null;
export const sent = (item, data) => handler.sent(item, data);
export const held = (keys) => handler.held(keys);
export const rejected = (item, error) => handler.rejected(item, error);

// Describe a waiting inspection in the outbox panel.
export function outboxLine(item) {
  return t("inspection.pending", { checklist: checklistName(shell.index, item.body.checklist_id),
    area: zoneName(item.body.area_id) });
}

// Fetch today's board (area states) and the hazards assigned to this guard.
export async function refresh() {
  try {
    const [ready, mine] = await Promise.all([get("/api/v1/readiness"),
      get("/api/v1/hazards", { status: "open", assignee: page.username })]);
    board = new Map(ready.cells.map((c) => [`${c.checklist_id}@${c.area_id}`, c.state]));
    scope = ready.zones || null;
    if (!$("[data-step=pick]").hidden) renderPick();
    renderMine(mine.hazards);
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

function renderMine(hazards) {
  const section = document.querySelector("[data-my-hazards]");
  if (!section) return;
  section.hidden = hazards.length === 0;
  section.querySelector("[data-hazard-list]").replaceChildren(...hazards.map((hz) => h("li", {
    "data-hazard": hz.hazard_id, "data-critical": hz.critical ? "true" : "false",
  }, h("b", {}, checklistName(shell.index, hz.checklist_id, hz.item_id)), " · ", zoneName(hz.area_id),
  " · ", t("hazards.opened_at", { time: timeHM(hz.opened_at) }), hz.note ? ` — ${hz.note}` : "")));
}

// A hazard assigned to this guard (or an inspection) refreshes the lists.
export function onEvents(envs) {
  if (envs.some((e) => e.type.startsWith("hazard.") || e.type === "inspection.recorded")) refresh();
}

// Bind the screen.
export function mount(s) {
  shell = s;
  root = document.querySelector("[data-inspection]");
  $('[data-answer="pass"]').addEventListener("click", answerPass);
  $('[data-answer="fail"]').addEventListener("click", answerFail);
  $("[data-next]").addEventListener("click", next);
  for (const b of root.querySelectorAll("[data-prev]")) b.addEventListener("click", back);
  $("[data-walk]").addEventListener("submit", (e) => e.preventDefault());
  handler = submission(shell, {
    name, form: $("[data-done]"), submitLabel: () => t("inspection.submit"), validate: () => true, build,
    reset: finish, saved, onSaved: goHome, onQueued: goHome,
  });
  $("[data-done]").addEventListener("submit", handler.submit);
  renderPick();
}
