// Control-room wall screen: snapshot then live events, floor plan markers, alerts, counters, feed.
import { ApiError, post } from "./api.js";
import { errorText, h, loadVenue, venueIndex } from "./common.js";
import { actorName, alertText, eventLine, setPeople } from "./feed.js";
import { applyEvent, counters, createModel, loadSnapshot, openAlerts, seedCheckins } from "./fold.js";
import { t, timeHM, timeHMS } from "./i18n.js";
import { Live } from "./live.js";
import { minutesUntil, patrolStatus, urgency } from "./patrol.js";
import { beep, disableSound, enableSound, soundOn, soundWanted } from "./sound.js";
import { PANELS } from "./control/index.js";

const FEED_KEEP = 40;
const root = document.querySelector("[data-control]");
const canAck = root.dataset.canAck === "true";
const $ = (sel) => root.querySelector(sel);
const model = createModel();
const feed = []; // newest first: {id, line, type}
const feedIds = new Set();
let index = null;
let live = null;
let statuses = new Map();
// What a concept's panel may use (static/js/control/*.js): it draws from the model only.
const screen = { root, model, canAck, index: null, now: () => (live ? live.now() : Date.now()) };

// Add an event to the feed unless it is there already.
function addToFeed(env, atTop = true) {
  if (!env?.id || feedIds.has(env.id) || String(env.type).startsWith("user.")) return;
  feedIds.add(env.id);
  const item = { id: env.id, type: env.type, line: eventLine(env, index, model.alertPlaces) };
  if (atTop) feed.unshift(item); else feed.push(item);
  feed.sort((a, b) => compare(b.id, a.id));
  while (feed.length > FEED_KEEP) feedIds.delete(feed.pop().id);
}

function compare(a, b) {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am - bm || as - bs;
}

function renderFeed() {
  const list = $("[data-feed]");
  list.replaceChildren(...feed.map((f) => h("li", { "data-type": f.type, "data-id": f.id }, f.line)));
  $("[data-feed-empty]").hidden = feed.length > 0;
}

function renderAlerts() {
  const alerts = openAlerts(model);
  $("[data-alerts]").replaceChildren(...alerts.map((a) => h("li", { "data-alert": a.alert_id, "data-kind": a.kind },
    h("span", { class: "c-alert-text" }, alertText(a, index)),
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
  statuses = new Map();
  for (const cp of index.checkpoints.values()) {
    const st = { id: cp.id, ...patrolStatus(cp, model.patrols.get(cp.id), model.phase, model.phaseSince, now) };
    statuses.set(cp.id, st);
    rows.push(st);
  }
  for (const el of root.querySelectorAll("[data-marker]")) {
    const st = statuses.get(el.dataset.marker);
    if (st && el.dataset.status !== st.status) el.dataset.status = st.status;
    el.dataset.issue = model.patrols.get(el.dataset.marker)?.last_status === "issue" ? "true" : "false";
  }
  rows.sort(urgency);
  $("[data-patrols]").replaceChildren(...rows.map((st) => {
    const p = model.patrols.get(st.id) || {};
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
  fitList($("[data-patrols]"), $("[data-patrols-more]"));
  const c = counters(model, now);
  c.overdue = rows.filter((r) => r.status === "overdue").length;
  for (const [key, value] of Object.entries(c)) {
    const el = root.querySelector(`[data-counter="${key}"]`);
    if (el && el.textContent !== String(value)) el.textContent = String(value);
  }
  root.querySelector('[data-tone="overdue"]').dataset.hot = c.overdue > 0 ? "true" : "false";
  root.querySelector('[data-tone="alerts"]').dataset.hot = c.open_alerts > 0 ? "true" : "false";
}

// Hide the list items that would overflow their panel (the least urgent come last).
function fitList(list, note) {
  const panel = list.parentElement;
  const limit = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom);
  let hidden = 0;
  for (const li of list.children) {
    if (hidden || li.getBoundingClientRect().bottom > limit + 1) {
      li.hidden = true;
      hidden++;
    }
  }
  note.textContent = hidden ? t("control.more", { n: hidden }) : "";
}

function renderPhase() {
  $("[data-phase]").textContent = index.phaseName(model.phase);
}

function renderPanels(env = null) {
  for (const panel of PANELS) panel.render?.(screen, env);
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

// Fill the feed and the last-hour check-in counter from the snapshot itself (a display
// account may not read the timeline; the snapshot carries what a wall screen needs).
function backfill(state) {
  setPeople(state.people || {});
  const cursor = state.cursor;
  for (const env of (state.recent_events || []).slice(-FEED_KEEP).reverse()) {
    if (!cursor || compare(env.id, cursor) <= 0) addToFeed(env, false);
  }
  seedCheckins(model, (state.checkins_last_hour || []).filter((e) => !cursor || compare(e.id, cursor) <= 0));
  renderFeed();
  renderPatrols();
}

async function acknowledge(btn) {
  btn.disabled = true;
  btn.textContent = t("control.acking");
  try {
    await post(`/api/v1/alerts/${encodeURIComponent(btn.dataset.ack)}/acknowledge`, {});
    model.alerts.delete(btn.dataset.ack);
    renderAlerts();
    renderPatrols();
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      model.alerts.delete(btn.dataset.ack);
      renderAlerts();
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
  bindSound();
  root.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-ack]");
    if (btn && canAck) acknowledge(btn);
  });
  live = new Live({
    onSnapshot(state) {
      setPeople(state.people || {}); // before the panels draw names
      loadSnapshot(model, state);
      renderAll();
      backfill(state);
    },
    onEvent(env) {
      const changed = applyEvent(model, env);
      addToFeed(env);
      renderFeed();
      if (changed) {
        if (env.type === "phase.changed") renderPhase();
        if (env.type.startsWith("alert.")) renderAlerts();
        renderPatrols();
        renderPanels(env);
      }
      if (env.type === "alert.raised") beep(880, 0.25, 2);
    },
    onState: renderConn,
    onAuthLost() {
      location.assign(`/login?expired=1&next=${encodeURIComponent(location.pathname)}`);
    },
  });
  tickClock();
  setInterval(() => {
    tickClock();
    if (model.phase === undefined) return;
    renderPatrols();
    for (const panel of PANELS) panel.tick?.(screen);
  }, 1000);
  await live.start();
}

start();
