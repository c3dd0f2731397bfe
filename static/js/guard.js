// Guard phone app shell: screens by URL hash, toast, durable outbox, re-sign-in, live events.
// Each screen is a module in ./guard/ (templates/guard/_<name>.html) exporting `name` and
// mount(shell); it may export refresh(), onEvents(envs), outboxLine(item), sent(item, data),
// rejected(item, error) and held(keys). Outbox items carry label.kind = the screen's name.
import { ApiError, post, setCsrfToken } from "./api.js";
import { noteServerTime } from "./clock.js";
import { errorText, loadVenue, page, setFieldError, venueIndex } from "./common.js";
import { t } from "./i18n.js";
import { io } from "/static/vendor/socket.io.esm.min.js";
import { compareIds } from "./cursor.js";
import { Outbox } from "./outbox.js";
import * as checkin from "./guard/checkin.js";
import * as checkout from "./guard/checkout.js";
import * as clearance from "./guard/clearance.js";
import * as incident from "./guard/incident.js";
import * as inspection from "./guard/inspection.js";
import * as postScreen from "./guard/post.js";
import * as tasks from "./guard/tasks.js";
import * as vehicle from "./guard/vehicle.js";
import * as visitor from "./guard/visitor.js";
import { arrangeHome, watchOfflineReady } from "./guard/home.js";
import { outboxPanel } from "./guard/outbox-panel.js";
import { statusLine } from "./guard/toast.js";

// The service worker is handed every static file the page loaded (see start); keep the list whole
// even with many font slices (the default buffer holds 250 entries).
performance.setResourceTimingBufferSize?.(2000);
const SCREENS = [checkin, tasks, postScreen, incident, visitor, checkout, vehicle, inspection, clearance];
const $ = (sel) => document.querySelector(sel);
const currentView = () => (screens.has(location.hash.slice(1)) ? location.hash.slice(1) : "home");
const status = statusLine($("[data-toast]"), currentView);
const signin = $("[data-signin]");
const phaseEl = $("[data-phase]");

const screens = new Map(SCREENS.map((s) => [s.name, s]));
const screenOf = (item) => screens.get(item.label?.kind || "checkin");

// What every screen may use; screens never reach into each other.
const shell = {
  outbox: new Outbox(page.username),
  index: null,
  phase: { id: phaseEl?.dataset.phase || null, since: phaseEl?.dataset.phaseSince || null },
  errorText,
  // Show a status line under the header: kind is ok, queued or error; options.view names the
  // screen it is about (not shown on another form), options.top scrolls up to it.
  toast(kind, text, options) {
    status.show(kind, text, options);
  },
  // Hide the status line (an error stays unless all is true).
  hideToast(all = true) {
    status.hide(all);
  },
  // Open another screen ("home" or a screen's name).
  go(view) {
    location.hash = view === "home" ? "" : view;
  },
  labelOf(id) {
    return shell.index ? shell.index.label(id) : id;
  },
  // Put an ApiError's field messages under their fields; return how many found a place.
  placeErrors(form, error) {
    let placed = 0;
    for (const [field, message] of Object.entries(error.fields || {})) {
      if (setFieldError(form, field, message)) placed++;
    }
    return placed;
  },
  // Record the phase in force and show its name in the header.
  setPhase(id, since) {
    shell.phase = { id, since };
    if (id && shell.index) $("[data-phase-name]").textContent = shell.index.phaseName(id);
    if (id) arrangeHome(id);
  },
  // Ask the guard to sign in again (only when something waits to be sent, unless always).
  async askSignIn(always = true) {
    if (!always && !(await shell.outbox.items()).length) return;
    signin.hidden = false;
    signin.querySelector('[name="password"]').focus();
  },
};

// Show the home tiles or the screen named by the URL hash.
function route() {
  const hash = location.hash.slice(1);
  const view = screens.has(hash) ? hash : "home";
  for (const el of document.querySelectorAll("[data-view]")) el.hidden = el.dataset.view !== view;
  status.routed(view);
  if (view === "home") window.scrollTo(0, 0);
}

let panel = null;

function bindOutbox() {
  const { outbox } = shell;
  panel = outboxPanel(shell, screenOf);
  // A refusal that is the final answer (already done elsewhere) is not kept: its screen says so.
  outbox.settles = (item, error) => Boolean(screenOf(item)?.settles?.(item, error));
  outbox.addEventListener("sent", ({ detail: { item, data } }) => screenOf(item)?.sent?.(item, data));
  outbox.addEventListener("rejected", ({ detail: { item, error } }) => {
    const screen = screenOf(item);
    if (screen?.rejected) screen.rejected(item, error);
    else shell.toast("error", t("guard.rejected", { message: errorText(error) }));
  });
  outbox.addEventListener("held", ({ detail: { keys } }) => { for (const s of SCREENS) s.held?.(keys); });
  // The server did not answer: an earlier green "saved" must not look current.
  outbox.addEventListener("queued", () => status.hideSaved());
  outbox.addEventListener("signin", () => shell.askSignIn());
}

async function signIn(e) {
  e.preventDefault();
  const f = e.currentTarget;
  const err = f.querySelector("[data-signin-error]");
  err.hidden = true;
  try {
    const res = await post("/api/v1/auth/login", {
      username: f.elements.username.value.trim(), password: f.elements.password.value,
    });
    setCsrfToken(res.csrf_token);
    f.elements.password.value = "";
    if (res.user && res.user.username !== page.username) {
      location.reload(); // another guard took the phone: this page belongs to them now
      return;
    }
    signin.hidden = true;
    shell.outbox.resume();
  } catch (ex) {
    if (!(ex instanceof ApiError)) throw ex;
    err.textContent = ex.status === 401 ? t("login.invalid")
      : ex.status === 429 ? t("login.throttled_later") : errorText(ex);
    err.hidden = false;
  }
}

function refreshAll() {
  return Promise.all(SCREENS.map((s) => s.refresh?.()));
}

// Listen live: every screen sees the new events addressed to this guard (in stream order).
// A frame is {events, patches, cursor}; the screens read their lists over REST when an event
// concerns them, so only the events and the cursor matter here. The minute's poll still keeps
// screens current when the socket cannot connect.
function listen() {
  let cursor = null;
  const socket = io("/live", {
    path: "/socket.io", transports: ["websocket", "polling"], withCredentials: true,
    auth: (cb) => cb(cursor ? { since: cursor } : {}),
  });
  // Whatever happened before this socket joined (between the page's first fetch and now) is not
  // in any frame: fetch the screens again once connected, so nothing in that gap is missed.
  socket.on("connect", () => { refreshAll(); });
  socket.on("disconnect", () => status.hideSaved());
  // The heartbeat carries the server's clock: the phone's times are corrected by the offset.
  socket.on("heartbeat", (beat) => {
    noteServerTime(beat?.server_time);
    if (beat?.store === "unreachable") status.hideSaved();
  });
  socket.on("events", (frame) => {
    if (!frame || typeof frame !== "object" || Array.isArray(frame)) return;
    const fresh = (frame.events || []).filter((env) => env?.id && (!cursor || compareIds(env.id, cursor) > 0));
    const last = frame.cursor || fresh.at(-1)?.id;
    if (!last || (cursor && compareIds(last, cursor) <= 0)) return; // already applied
    cursor = last; // even when no event was for this guard: resume from here
    if (fresh.length) for (const s of SCREENS) s.onEvents?.(fresh);
  });
}

function renderNet() {
  $("[data-net]").hidden = navigator.onLine;
}

async function start() {
  shell.index = venueIndex(await loadVenue());
  shell.setPhase(shell.phase.id, shell.phase.since);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { renderNet(); refreshAll(); });
  window.addEventListener("offline", () => { renderNet(); status.hideSaved(); });
  for (const a of document.querySelectorAll("[data-go]")) {
    a.addEventListener("click", (e) => { e.preventDefault(); shell.go(a.dataset.go); });
  }
  signin.querySelector("[data-signin-form]").addEventListener("submit", signIn);
  bindOutbox();
  for (const s of SCREENS) s.mount(shell);
  route();
  renderNet();
  await panel.render();
  const others = await shell.outbox.otherOwners();
  if (others.length) shell.toast("queued", t("guard.wrong_user", { username: others.join(", ") }));
  await refreshAll();
  document.body.dataset.ready = "true";
  setInterval(refreshAll, 60000);
  listen();
  shell.outbox.flush();
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    // Hand the worker every static file this page loaded (modules, styles, fonts, icons) and
    // say "ready offline" once each is kept; until then try again now and then.
    const ready = async () => {
      if (!(await watchOfflineReady().catch(() => false))) setTimeout(ready, 5000);
    };
    ready();
  }
}

start();
