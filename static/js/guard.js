// Guard phone app: home tiles, patrol check-in form, durable outbox, re-sign-in prompt.
import { ApiError, get, post, setCsrfToken } from "./api.js";
import { clearErrors, errorText, loadVenue, page, setFieldError, setFormError, venueIndex } from "./common.js";
import { t, timeHM } from "./i18n.js";
import { io } from "/static/vendor/socket.io.esm.min.js";
import { compareIds } from "./live.js";
import { Outbox } from "./outbox.js";
import { patrolStatus } from "./patrol.js";

const $ = (sel) => document.querySelector(sel);
const form = $("[data-checkin]");
const submitBtn = form.querySelector("[data-submit]");
const toast = $("[data-toast]");
const badge = $("[data-outbox-badge]");
const panel = $("[data-outbox-panel]");
const signin = $("[data-signin]");
const outbox = new Outbox(page.username);
let index = null;
const phaseEl = document.querySelector("[data-phase]");
let phase = phaseEl?.dataset.phase || null;
let phaseSince = phaseEl?.dataset.phaseSince || null;
let patrols = new Map();
let pendingKey = null; // key of the submission the form is waiting for
let noteTouched = false;

// Show the home tiles or the check-in form, following the URL hash.
function route() {
  const view = location.hash === "#checkin" ? "checkin" : "home";
  for (const el of document.querySelectorAll("[data-view]")) el.hidden = el.dataset.view !== view;
  if (view === "home") window.scrollTo(0, 0);
}

// Show a status line at the top: kind is ok, queued or error.
function showToast(kind, text) {
  toast.dataset.kind = kind;
  toast.textContent = text;
  toast.hidden = false;
}

function labelOf(id) {
  return index ? index.label(id) : id;
}

// Validate the form as it stands; show errors only for what the guard has touched (or all).
function validate(all = false) {
  const fd = new FormData(form);
  const status = fd.get("status");
  const note = (fd.get("note") || "").trim();
  const errors = {};
  if (!fd.get("checkpoint_id")) errors.checkpoint_id = t("guard.choose_checkpoint");
  if (!status) errors.status = t("guard.choose_status");
  if (status === "issue" && !note) errors.note = t("guard.note_needed");
  form.querySelector("[data-note-hint]").textContent =
    `(${t(status === "issue" ? "guard.note_required" : "guard.note_optional")})`;
  form.elements.note.required = status === "issue";
  for (const name of ["checkpoint_id", "status", "note"]) {
    if (all || (name === "note" && noteTouched) || !errors[name]) setFieldError(form, name, errors[name] || "");
  }
  return Object.keys(errors).length === 0;
}

function resetForm() {
  form.reset();
  noteTouched = false;
  clearErrors(form);
  validate();
}

function setSending(on) {
  submitBtn.disabled = on;
  submitBtn.textContent = t(on ? "guard.sending" : "guard.submit");
}

form.addEventListener("input", (e) => {
  if (e.target.name === "checkpoint_id" && toast.dataset.kind !== "error") toast.hidden = true;
  if (e.target.name === "note") noteTouched = true;
  if (e.target.name === "status" && e.target.value === "issue" && !form.elements.note.value.trim()) {
    form.elements.note.focus();
  }
  validate();
});

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (pendingKey) return;
  setFormError(form, "");
  if (!validate(true)) {
    form.querySelector("[aria-invalid=true]")?.focus();
    return;
  }
  const fd = new FormData(form);
  const body = {
    checkpoint_id: fd.get("checkpoint_id"),
    status: fd.get("status"),
    observed_at: new Date().toISOString(),
  };
  const note = (fd.get("note") || "").trim();
  if (note) body.note = note;
  const item = outbox.add("/api/v1/checkins", body, { checkpoint_id: body.checkpoint_id, status: body.status });
  pendingKey = item.key;
  toast.hidden = true;
  setSending(true);
  outbox.flush();
});

outbox.addEventListener("sent", ({ detail: { item, data } }) => {
  const ev = data.event || {};
  const when = ev.observed_at || ev.ts || item.body.observed_at;
  showToast("ok", t("guard.saved", { checkpoint: labelOf(item.body.checkpoint_id), time: timeHM(when) }));
  if (item.key === pendingKey) {
    pendingKey = null;
    setSending(false);
    resetForm();
  }
  const p = patrols.get(item.body.checkpoint_id) || {};
  patrols.set(item.body.checkpoint_id, { ...p, last_checkin_at: when, overdue: false });
  renderDue();
});

outbox.addEventListener("held", ({ detail: { keys } }) => {
  if (!pendingKey || !keys.includes(pendingKey)) return;
  pendingKey = null;
  setSending(false);
  resetForm();
  showToast("queued", t("guard.queued"));
});

outbox.addEventListener("rejected", ({ detail: { item, error } }) => {
  if (item.key === pendingKey) {
    pendingKey = null;
    setSending(false);
    let placed = 0;
    for (const [name, message] of Object.entries(error.fields || {})) {
      if (setFieldError(form, name, message)) placed++;
    }
    if (!placed) setFormError(form, errorText(error));
    return;
  }
  const what = `${labelOf(item.body.checkpoint_id)} ${t(`status.${item.body.status}`)}`;
  showToast("error", t("guard.rejected", { message: `${what} — ${errorText(error)}` }));
});

outbox.addEventListener("signin", () => {
  signin.hidden = false;
  signin.querySelector('[name="password"]').focus();
});

outbox.addEventListener("change", renderOutbox);

// Draw the pending badge and the outbox panel.
function renderOutbox() {
  const items = outbox.items();
  badge.hidden = items.length === 0;
  badge.textContent = t("guard.outbox_badge", { n: items.length });
  panel.hidden = items.length === 0 || panel.dataset.open !== "true";
  const list = panel.querySelector("[data-outbox-list]");
  list.replaceChildren(...items.map((i) => {
    const li = document.createElement("li");
    li.textContent = t("guard.pending_item", {
      checkpoint: labelOf(i.body.checkpoint_id), status: t(`status.${i.body.status}`), time: timeHM(i.body.observed_at),
    });
    return li;
  }));
  panel.querySelector("[data-outbox-next]").textContent = outbox.nextAt
    ? t("guard.queued_detail", { n: items.length, time: timeHM(outbox.nextAt) }) : "";
}

badge.addEventListener("click", (e) => {
  e.preventDefault();
  panel.dataset.open = panel.dataset.open === "true" ? "false" : "true";
  renderOutbox();
  if (!panel.hidden) {
    toast.hidden = true;
    panel.scrollIntoView({ block: "start" });
  }
});
toast.addEventListener("click", () => { toast.hidden = true; });
panel.querySelector("[data-retry]").addEventListener("click", () => outbox.resume());

signin.querySelector("[data-signin-form]").addEventListener("submit", async (e) => {
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
    outbox.resume();
  } catch (ex) {
    if (!(ex instanceof ApiError)) throw ex;
    err.textContent = ex.status === 401 ? t("login.invalid")
      : ex.status === 429 ? t("login.throttled_later") : errorText(ex);
    err.hidden = false;
  }
});

// Mark each checkpoint button with how soon it is due.
function renderDue() {
  if (!index) return;
  const now = Date.now();
  for (const el of form.querySelectorAll("[data-checkpoint]")) {
    const cp = index.checkpoints.get(el.dataset.checkpoint);
    const p = patrols.get(el.dataset.checkpoint);
    // The server's row carries the interval of the phase in force now; prefer it.
    const st = patrolStatus(cp, p, p && "interval_min" in p ? null : phase, phaseSince, now);
    el.dataset.status = patrols.size || phase ? st.status : "unknown";
  }
}

// Fetch the patrol times (and the phase when the answer carries it).
async function refresh() {
  try {
    // Guards may not read the whole state; the patrol list is theirs (phase comes with the page).
    const res = page.role === "guard" ? await get("/api/v1/patrols") : await get("/api/v1/state");
    if (res.phase) { phase = res.phase; phaseSince = res.phase_since || null; }
    patrols = new Map((res.patrols || []).map((p) => [p.checkpoint_id, p]));
    if (phase) $("[data-phase-name]").textContent = index.phaseName(phase);
    renderDue();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn && outbox.items().length) signin.hidden = false;
  }
}

// Listen live: a phase change, an overdue gate or this guard's own check-in (from any of
// their devices) refreshes the patrol list at once instead of at the next minute's poll.
function listen() {
  let cursor = null;
  const socket = io("/live", {
    path: "/socket.io", transports: ["websocket", "polling"], withCredentials: true,
    auth: (cb) => cb(cursor ? { since: cursor } : {}),
  });
  socket.on("events", (frame) => {
    const fresh = (frame || []).filter((env) => !cursor || compareIds(env.id, cursor) > 0);
    if (!fresh.length) return;
    cursor = fresh[fresh.length - 1].id;
    refresh();
  });
}

function renderNet() {
  $("[data-net]").hidden = navigator.onLine;
}

async function start() {
  index = venueIndex(await loadVenue());
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { renderNet(); refresh(); });
  window.addEventListener("offline", renderNet);
  for (const a of document.querySelectorAll("[data-go]")) {
    a.addEventListener("click", (e) => { e.preventDefault(); location.hash = a.dataset.go === "home" ? "" : a.dataset.go; });
  }
  route();
  renderNet();
  validate();
  renderOutbox();
  const others = outbox.otherOwners();
  if (others.length) showToast("queued", t("guard.wrong_user", { username: others.join(", ") }));
  await refresh();
  document.body.dataset.ready = "true";
  setInterval(refresh, 60000);
  listen(); // the minute's poll still keeps the list current when the socket cannot connect
  setInterval(renderDue, 15000);
  outbox.flush();
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
}

start();
