// Control-room wall screen: the viewer's sections from the snapshot, then live frames (events for
// the feed, patches for the sections); floor plan markers, alerts, counters, feed. Everything is
// drawn from the store's rows and the time: the server's folds are the only folds.
import { ApiError, post } from "./api.js";
import { errorText, h, loadVenue, venueIndex } from "./common.js";
import { bySeverity } from "./concepts/alerts.js";
import { compareIds } from "./cursor.js";
import { actorName, alertText, eventLine, setPeople } from "./feed.js";
import { t, timeHM, timeHMS } from "./i18n.js";
import { Live } from "./live.js";
import { Replay } from "./replay.js";
import { activeGuards, minutesUntil, patrolStatus, urgency } from "./patrol.js";
import { beep, disableSound, enableSound, soundOn, soundWanted } from "./sound.js";
import { Store, lookupWith, touches } from "./store.js";
import { PANELS } from "./control/index.js";
import { fitColumns, fitList } from "./control/fit.js";

const FEED_KEEP = 40;
const HOUR = 3600000;
const root = document.querySelector("[data-control]");
const canAck = root.dataset.canAck === "true";
// /command/replay: the same wall, fed by the state at a past moment (static/js/replay.js).
const replaying = root.dataset.replay === "true";
const $ = (sel) => root.querySelector(sel);
const store = new Store();
const feed = []; // newest first: {id, line, type}
const feedIds = new Set();
let index = null;
let live = null;
let loaded = false;
// What a concept's panel may use (static/js/control/*.js): it draws from the store only.
const screen = { root, store, canAck, index: null, now: () => (live ? live.now() : Date.now()) };

// Add an event to the feed unless it is there already (lookup: rows that name its place).
function addToFeed(env, lookup, atTop = true) {
  if (!env?.id || feedIds.has(env.id) || String(env.type).startsWith("user.")) return;
  feedIds.add(env.id);
  const item = { id: env.id, type: env.type, line: eventLine(env, index, lookup) };
  if (atTop) feed.unshift(item); else feed.push(item);
  feed.sort((a, b) => compareIds(b.id, a.id));
  while (feed.length > FEED_KEEP) feedIds.delete(feed.pop().id);
}

// Return the phase in force ("venue" row of sections.phase).
function phase() {
  return store.row("phase", "venue")?.phase ?? null;
}

// Return the counters shown on the wall at time now, from the rows.
function counters(now) {
  const recent = store.rows("checkins").filter((m) => now - Date.parse(m.minute) <= HOUR)
    .reduce((n, m) => n + (m.count || 0), 0);
  return {
    checkins_hour: recent,
    guards_active: activeGuards(store.rows("guards_active"), now).length,
    open_alerts: bySeverity(store.rows("alerts")).length,
    visitors: store.rows("visitors").length,
    vehicles: store.rows("vehicles_on_site").reduce((n, e) => n + (e.count || 0), 0),
  };
}

function renderFeed() {
  const list = $("[data-feed]");
  list.replaceChildren(...feed.map((f) => h("li", { "data-type": f.type, "data-id": f.id }, f.line)));
  $("[data-feed-empty]").hidden = feed.length > 0;
  fitList(list, root); // a log, newest first: no line half cut off at the bottom (older lines: /command)
}

// Draw the open alerts, the most severe first, then the oldest; those that do not fit are counted.
function renderAlerts() {
  const alerts = bySeverity(store.rows("alerts"));
  const lookup = lookupWith(store);
  $("[data-alerts]").replaceChildren(...alerts.map((a) => h("li", {
    "data-alert": a.alert_id, "data-kind": a.kind, "data-severity": String(a.severity || 4) },
    h("span", { class: "c-asev", title: t("control.severity_n", { n: a.severity }) }, String(a.severity || "")),
    h("span", { class: "c-alert-text" }, alertText(a, index, lookup)),
    h("span", { class: "c-alert-time" }, t("alert.raised_at", { time: timeHMS(a.raised_at) })),
    canAck ? h("button", { type: "button", class: "c-ack", "data-ack": a.alert_id }, t("control.ack")) : null,
  )));
  $("[data-alerts-empty]").hidden = alerts.length > 0;
  $("[data-alert-count]").textContent = String(alerts.length);
}

// Recompute every checkpoint's freshness and redraw markers, patrol list and counters.
function renderPatrols() {
  const now = live ? live.now() : Date.now();
  const rows = [];
  const statuses = new Map();
  for (const cp of index.checkpoints.values()) {
    const st = { id: cp.id, ...patrolStatus(store.row("patrols", cp.id), now) };
    statuses.set(cp.id, st);
    rows.push(st);
  }
  for (const el of root.querySelectorAll("[data-marker]")) {
    const st = statuses.get(el.dataset.marker);
    if (st && el.dataset.status !== st.status) el.dataset.status = st.status;
    el.dataset.issue = store.row("patrols", el.dataset.marker)?.last_status === "issue" ? "true" : "false";
  }
  rows.sort(urgency);
  $("[data-patrols]").replaceChildren(...rows.map((st) => {
    const p = store.row("patrols", st.id) || {};
    let detail = t("patrol.off");
    if (st.status === "overdue") detail = t("patrol.overdue_by", { m: minutesUntil(now, st.dueAt ?? now) });
    else if (st.interval) detail = t("patrol.due_in", { m: minutesUntil(st.dueAt, now) });
    const issue = p.last_status === "issue";
    const last = st.lastAt
      ? [t("patrol.last", { time: timeHM(st.lastAt) }), actorName({ username: p.last_guard }),
        issue ? t("patrol.last_issue") : ""]
        .filter(Boolean).join(" · ")
      : t("patrol.never");
    return h("li", { "data-status": st.status, "data-checkpoint": st.id, "data-issue": issue ? "true" : "false" },
      h("span", { class: "c-pname" }, index.label(st.id)),
      h("span", { class: "c-pdetail" }, detail),
      h("span", { class: "c-plast" }, last));
  }));
  const c = counters(now);
  c.overdue = rows.filter((r) => r.status === "overdue").length;
  for (const [key, value] of Object.entries(c)) {
    const el = root.querySelector(`[data-counter="${key}"]`);
    if (el && el.textContent !== String(value)) el.textContent = String(value);
  }
  root.querySelector('[data-tone="overdue"]').dataset.hot = c.overdue > 0 ? "true" : "false";
  root.querySelector('[data-tone="alerts"]').dataset.hot = c.open_alerts > 0 ? "true" : "false";
}

function renderPhase() {
  $("[data-phase]").textContent = index.phaseName(phase());
}

// Redraw the panels; changed: what a frame's patches changed (store.patch), null for everything.
// Then fit the columns again: any panel's rows change the height the others get.
function renderPanels(changed = null) {
  for (const panel of PANELS) panel.render?.(screen, changed);
  fitColumns(root);
}

function renderAll() {
  renderPhase();
  renderAlerts();
  renderPatrols();
  renderFeed();
  renderPanels();
}

// Draw the connection pill and the "connection lost" banner.
function renderConn({ state, lastActivity }) {
  const pill = $("[data-conn]");
  pill.dataset.state = state;
  $("[data-conn-label]").textContent = t(`conn.${state}`);
  const age = lastActivity ? Math.max(0, Math.round((Date.now() - lastActivity) / 1000)) : null;
  $("[data-conn-age]").textContent = age == null ? "" : t("conn.age", { s: age });
  const banner = $("[data-banner]");
  banner.hidden = state !== "down";
  if (state === "down") {
    banner.textContent = t("conn.lost_banner", { time: timeHMS(lastActivity ? lastActivity + live.clockOffset : null) });
  }
}

function tickClock() {
  $("[data-clock]").textContent = timeHMS(live ? live.now() : Date.now());
}

// Fill the feed from the snapshot itself (a display account may not read the timeline; the
// snapshot carries the last events a wall screen shows).
function backfill(state) {
  const cursor = state.cursor;
  const lookup = lookupWith(store);
  for (const env of (state.recent_events || []).slice(-FEED_KEEP).reverse()) {
    if (!cursor || compareIds(env.id, cursor) <= 0) addToFeed(env, lookup, false);
  }
  renderFeed();
}

// Apply a live frame: a reset (every section, after a resume) or the patches to the store, then
// the events to the feed, then redraw what changed. Feed lines may name rows the patches just
// removed (lookupWith).
function applyFrame({ events, patches, reset }) {
  if (reset) store.load({ sections: reset });
  const changed = store.patch(patches);
  const lookup = lookupWith(store, changed);
  for (const env of events) addToFeed(env, lookup);
  if (events.length) renderFeed();
  if (reset) {
    renderPhase();
    renderAlerts();
    renderPatrols();
    renderPanels();
  } else if (changed.size) {
    if (changed.has("phase")) renderPhase();
    if (touches(changed, ["alerts", "watchlist_hits"])) renderAlerts();
    renderPatrols();
    renderPanels(changed);
  }
  const raised = changed.get("alerts");
  if (raised && [...raised].some(([key, before]) => !before && store.row("alerts", key))) beep(880, 0.25, 2);
}

// Take an alert off the wall at once (the live patch that follows says the same).
function dropAlert(id) {
  const changed = store.patch({ alerts: { [id]: null } });
  renderAlerts();
  renderPatrols();
  renderPanels(changed);
}

async function acknowledge(btn) {
  btn.disabled = true;
  btn.textContent = t("control.acking");
  try {
    await post(`/api/v1/alerts/${encodeURIComponent(btn.dataset.ack)}/acknowledge`, {});
    dropAlert(btn.dataset.ack);
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      dropAlert(btn.dataset.ack);
      return;
    }
    btn.disabled = false;
    btn.textContent = t("control.ack");
    btn.title = errorText(err);
  }
}

function bindSound() {
  const btn = $("[data-sound]");
  const show = () => {
    btn.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    btn.textContent = t(soundOn() ? "control.sound_on" : "control.sound_enable");
  };
  btn.addEventListener("click", async () => {
    if (soundOn()) disableSound(); else await enableSound();
    show();
  });
  if (soundWanted()) btn.classList.add("wanted");
  show();
}

async function start() {
  index = venueIndex(await loadVenue());
  screen.index = index;
  for (const panel of PANELS) panel.mount?.(screen);
  if (!replaying) bindSound();
  root.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-ack]");
    if (btn && canAck) acknowledge(btn);
  });
  live = new (replaying ? Replay : Live)({
    onSnapshot(state) {
      setPeople(state.people || {}); // before the panels draw names
      store.load(state);
      feed.length = 0; // the snapshot's recent events are the feed (a replay may go backwards)
      feedIds.clear();
      loaded = true;
      renderAll();
      backfill(state);
    },
    onFrame: applyFrame,
    onState: renderConn,
    onAuthLost() {
      location.assign(`/login?expired=1&next=${encodeURIComponent(location.pathname)}`);
    },
  });
  tickClock();
  setInterval(() => {
    tickClock();
    if (!loaded) return;
    renderPatrols();
    for (const panel of PANELS) panel.tick?.(screen);
    fitList($("[data-patrols]"), root); // redrawn each second; the other panels' heights stand
  }, 1000);
  await live.start();
}

start();
