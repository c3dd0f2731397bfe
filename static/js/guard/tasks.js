// Tasks screen: the guard's assignments and broadcasts, each acknowledged through the outbox.
// New ones arriving live make the phone vibrate and beep (where the browser allows) and show
// a banner on every screen; home shows how many wait for an acknowledgement.
import { ApiError, get } from "../api.js";
import { h, page } from "../common.js";
import { loc, t, timeHM } from "../i18n.js";
import { beep, enableSound, soundOn, soundWanted } from "../sound.js";

export const name = "tasks";

let shell = null;
let assignments = []; // open incidents assigned to this guard, newest assignment first
let broadcasts = []; // messages sent to this guard, newest first
const queued = new Map(); // task key -> outbox item key, while an acknowledgement waits
const seen = new Set(); // task keys already shown: only new ones buzz
const $ = (sel) => document.querySelector(sel);

const keyOf = {
  assignment: (a) => `assignment:${a.incident_id}:${a.assignment_id}`,
  broadcast: (b) => `broadcast:${b.broadcast_id}`,
};

// Return "Crowd disturbance" for a category id, in the guard's language.
function categoryName(id) {
  const c = (shell.index?.venue?.incident_categories || []).find((x) => x.id === id);
  return c ? loc(c.name) : id;
}

// Return what an assignment is about, for banners and the outbox panel.
function assignmentLabel(a) {
  return [categoryName(a.category), shell.labelOf(a.location_id)].filter(Boolean).join(" · ");
}

function acknowledgedAt(b) {
  return (b.acknowledgements || []).find((x) => x.username === page.username)?.at || null;
}

// Return how many tasks still wait for this guard (queued ones count as done).
function waiting() {
  return assignments.filter((a) => !a.assignment_accepted_at && !queued.has(keyOf.assignment(a))).length
    + broadcasts.filter((b) => !acknowledgedAt(b) && !queued.has(keyOf.broadcast(b))).length;
}

// Return the line under a card: done at, queued, or the acknowledge button.
function actionOf(kind, row, doneAt, onClick) {
  if (doneAt) {
    return h("p", { class: "t-state" }, t(kind === "assignment" ? "tasks.accepted" : "tasks.acknowledged",
      { time: timeHM(doneAt) }));
  }
  // In flight while online; waiting for the network otherwise.
  if (queued.has(keyOf[kind](row))) {
    return h("p", { class: "t-state", "data-kind": "queued" }, t(navigator.onLine ? "guard.sending" : "guard.queued"));
  }
  return h("button", { type: "button", class: "primary big t-ack", "data-ack": kind, onclick: onClick },
    t(kind === "assignment" ? "tasks.accept" : "tasks.acknowledge"));
}

function assignmentCard(a) {
  return h("li", { class: "t-card", dataset: { kind: "assignment", severity: a.severity, incident: a.incident_id,
    ...(a.assignment_accepted_at ? { done: "" } : {}) } },
  h("div", { class: "t-top" }, h("span", { class: "t-sev" }, t("tasks.severity", { n: a.severity })),
    h("span", { class: "t-what" }, categoryName(a.category))),
  h("div", { class: "t-where" }, shell.labelOf(a.location_id)),
  h("div", { class: "t-meta" }, t("tasks.assigned", { time: timeHM(a.assigned_at) })),
  a.assignment_note ? h("p", { class: "t-note" }, a.assignment_note) : null,
  a.description ? h("div", { class: "t-meta" }, a.description) : null,
  actionOf("assignment", a, a.assignment_accepted_at, () => accept(a)));
}

function broadcastCard(b) {
  const doneAt = acknowledgedAt(b);
  return h("li", { class: "t-card", dataset: { kind: "broadcast", broadcast: b.broadcast_id,
    ...(doneAt ? { done: "" } : {}) } },
  h("div", { class: "t-text" }, b.text),
  h("div", { class: "t-meta" }, t("tasks.from", { time: timeHM(b.sent_at), who: b.sent_by })),
  actionOf("broadcast", b, doneAt, () => acknowledge(b)));
}

// Draw both lists and the count on home.
function render() {
  $("[data-tasks-assignments]").replaceChildren(...assignments.map(assignmentCard));
  $("[data-tasks-broadcasts]").replaceChildren(...broadcasts.map(broadcastCard));
  const n = waiting();
  const count = $("[data-tasks-count]");
  if (count) {
    count.hidden = n === 0;
    count.textContent = t("tasks.badge", { n });
    count.closest("[data-tasks-home]")?.toggleAttribute("data-waiting", n > 0);
  }
  renderSound();
}

async function send(kind, row, url, body, what) {
  const key = keyOf[kind](row);
  if (queued.has(key)) return;
  queued.set(key, "adding");
  render();
  const item = await shell.outbox.add(url, body, { kind: name, task: kind, task_key: key, what });
  queued.set(key, item.key);
  shell.outbox.flush();
}

// Accept an assignment (only its guard may; the server says 403 otherwise).
function accept(a) {
  return send("assignment", a, `/api/v1/incidents/${encodeURIComponent(a.incident_id)}/actions`,
    { action: "accept" }, assignmentLabel(a));
}

// Acknowledge a message sent to this guard.
function acknowledge(b) {
  return send("broadcast", b, `/api/v1/broadcasts/${encodeURIComponent(b.broadcast_id)}/acknowledge`, {}, b.text);
}

function settle(item) {
  queued.delete(item.label.task_key);
}

// The server took an acknowledgement: mark the card done.
export function sent(item, data) {
  settle(item);
  if (data.incident) {
    assignments = assignments.map((a) => (a.incident_id === data.incident.incident_id
      ? { ...a, assignment_accepted_at: data.incident.assignment_accepted_at } : a));
  }
  if (data.broadcast) {
    broadcasts = broadcasts.map((b) => (b.broadcast_id === data.broadcast.broadcast_id
      ? { ...b, acknowledgements: data.broadcast.acknowledgements } : b));
  }
  shell.toast("ok", t(item.label.task === "assignment" ? "tasks.done_accept" : "tasks.done", { what: item.label.what || "" }), { view: name });
  render();
}

// Acknowledgements wait in the outbox: say so.
export function held(keys) {
  if ([...queued.values()].some((k) => keys.includes(k))) shell.toast("queued", t("guard.queued"), { view: name });
}

// Refused for good: a 409 means it was done already (another device); else show why.
export function rejected(item, error) {
  settle(item);
  if (error.status !== 409) shell.toast("error", t("guard.rejected", { message: shell.errorText(error) }), { view: name });
  refresh();
}

// Tell whether a refusal settles the acknowledgement (already acknowledged): nothing to keep.
export const settles = (item, error) => error.status === 409 && error.code !== "busy";

// Describe a waiting acknowledgement in the outbox panel.
export function outboxLine(item) {
  return t("tasks.pending", { what: item.label.what || "", time: timeHM(item.created_at) });
}

// Show a banner on every screen, vibrate and beep where allowed.
function announce(text) {
  const banner = $("[data-tasks-banner]");
  $("[data-tasks-banner-text]").textContent = text;
  banner.hidden = location.hash === "#tasks";
  try {
    navigator.vibrate?.([300, 120, 300]);
  } catch { /* not allowed before a gesture in some browsers */ }
  beep(880, 0.2, 3);
}

// Fetch this guard's tasks; remember them as seen (only later arrivals buzz).
export async function refresh() {
  try {
    const res = await get("/api/v1/me/tasks");
    assignments = res.assignments || [];
    broadcasts = res.broadcasts || [];
    for (const item of await shell.outbox.items()) {
      if (item.label?.kind === name && item.label.task_key) queued.set(item.label.task_key, item.key);
    }
    assignments.forEach((a) => seen.add(keyOf.assignment(a)));
    broadcasts.forEach((b) => seen.add(keyOf.broadcast(b)));
    render();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

// New assignments and messages for this guard: announce each once, then reload the lists.
export async function onEvents(envs) {
  const fresh = [];
  let changed = false;
  for (const env of envs) {
    const d = env.data || {};
    if (env.type === "broadcast.sent" && (d.recipients || []).includes(page.username)) {
      changed = true;
      if (!seen.has(keyOf.broadcast(d))) fresh.push(t("tasks.banner_broadcast", { text: d.text }));
      seen.add(keyOf.broadcast(d));
    } else if (env.type === "incident.assigned" && d.assignee === page.username) {
      changed = true;
      const key = keyOf.assignment({ incident_id: d.incident_id, assignment_id: env.id });
      if (!seen.has(key)) fresh.push({ incident_id: d.incident_id });
      seen.add(key);
    } else if (env.type === "incident.assignment_accepted" || env.type === "broadcast.acknowledged") {
      changed = changed || env.actor?.username === page.username; // done on another device
    }
  }
  if (!changed) return;
  await refresh();
  if (!fresh.length) return;
  const last = fresh[fresh.length - 1];
  if (typeof last === "string") return announce(last);
  const a = assignments.find((x) => x.incident_id === last.incident_id);
  announce(t("tasks.banner_assignment", { what: a ? assignmentLabel(a) : "" }));
}

function renderSound() {
  const btn = $("[data-tasks-sound]");
  btn.setAttribute("aria-pressed", soundOn() ? "true" : "false");
  btn.textContent = t(soundOn() ? "tasks.sound" : "tasks.sound_enable");
}

// Bind the screen: the sound switch, the banner, and sound unlocked by the first tap when wanted.
export function mount(s) {
  shell = s;
  $("[data-tasks-sound]").addEventListener("click", async () => {
    if (!soundOn()) await enableSound();
    renderSound();
  });
  const banner = $("[data-tasks-banner]");
  document.querySelector(".g-main")?.prepend(banner); // above whichever screen is showing
  $("[data-tasks-banner-open]").addEventListener("click", (e) => {
    e.preventDefault();
    banner.hidden = true;
    shell.go(name);
  });
  window.addEventListener("hashchange", () => { if (location.hash === "#tasks") banner.hidden = true; });
  if (soundWanted()) {
    // Browsers unlock audio only from a gesture: the guard's first tap anywhere turns it back on.
    document.addEventListener("pointerdown", () => enableSound().then(renderSound).catch(() => {}), { once: true });
  }
  render();
}
