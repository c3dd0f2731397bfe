// Patrol check-in screen: one tap per checkpoint, a note when something is wrong, due times.
import { ApiError, get } from "../api.js";
import { setFieldError } from "../common.js";
import { serverIso } from "../clock.js";
import { t, timeHM } from "../i18n.js";
import { submission } from "./form.js";
import { patrolStatus } from "../patrol.js";
import { parsePayload, preloadDecoder, scan } from "./scan.js";

export const name = "checkin";

let shell = null;
let form = null;
let patrols = new Map();
let noteTouched = false;
let scanning = null; // the camera while the scanner is open

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
  for (const field of ["checkpoint_id", "status", "note"]) {
    if (all || (field === "note" && noteTouched) || !errors[field]) setFieldError(form, field, errors[field] || "");
  }
  return Object.keys(errors).length === 0;
}

// Empty the form for the next check-in.
function resetForm() {
  form.reset();
  setCode(null);
  noteTouched = false;
  validate();
}

// Put a refused check-in back in the form.
function fill(body) {
  const point = form.querySelector(`[name="checkpoint_id"][value="${CSS.escape(body.checkpoint_id || "")}"]`);
  if (point) point.checked = true;
  const status = form.querySelector(`[name="status"][value="${CSS.escape(body.status || "clear")}"]`);
  if (status) status.checked = true;
  form.elements.note.value = body.note || "";
  setCode(body.code ? parsePayload(body.code) : null);
  noteTouched = Boolean(body.note);
  validate();
}

// Return what to queue: the checkpoint, the status, the note, when (on the server's clock).
function build() {
  const fd = new FormData(form);
  const body = { checkpoint_id: fd.get("checkpoint_id"), status: fd.get("status"), observed_at: serverIso() };
  const note = (fd.get("note") || "").trim();
  if (note) body.note = note;
  if (fd.get("code")) body.code = fd.get("code");
  return {
    url: "/api/v1/checkins", body,
    label: { checkpoint_id: body.checkpoint_id, status: body.status, method: body.code ? "qr" : "manual" },
  };
}

// The server took a check-in: confirm it; the checkpoint's new due time comes with a refresh.
function saved(item, data) {
  const ev = data.event || {};
  refresh();
  return t("guard.saved", { checkpoint: shell.labelOf(item.body.checkpoint_id), time: timeHM(ev.observed_at || ev.ts || item.body.observed_at) });
}

let handler = null;
export const sent = (item, data) => handler.sent(item, data);
export const held = (keys) => handler.held(keys);
export const rejected = (item, error) => handler.rejected(item, error);
export const edit = (item) => handler.edit(item);

// Describe a waiting check-in in the outbox panel.
export function outboxLine(item) {
  return t("guard.pending_item", {
    checkpoint: shell.labelOf(item.body.checkpoint_id), status: t(`status.${item.body.status}`),
    time: timeHM(item.body.observed_at),
  }) + ` (${t(item.body.code ? "guard.method_qr" : "guard.method_manual")})`;
}

// Keep (or drop, with null) the scanned code the next check-in carries, and say so.
function setCode(parsed) {
  form.elements.code.value = parsed?.code || "";
  const line = form.querySelector("[data-scanned]");
  line.hidden = !parsed;
  line.textContent = parsed ? t("guard.scanned", { checkpoint: shell.labelOf(parsed.checkpoint) }) : "";
}

// A code was read: pick its checkpoint and send the check-in (the server verifies the signature).
function scanned(text) {
  const parsed = parsePayload(text);
  const radio = parsed && [...form.elements.checkpoint_id].find((r) => r.value === parsed.checkpoint);
  if (!parsed || !radio || (shell.index?.venue?.id && parsed.venue !== shell.index.venue.id)) {
    shell.toast("error", t("guard.scan_foreign"));
    return;
  }
  radio.checked = true;
  setCode(parsed);
  validate();
  form.requestSubmit();
}

// Open the camera; on any trouble, say why and leave the list (manual check-in) in place.
async function openScanner() {
  const box = form.querySelector("[data-scanner]");
  box.hidden = false;
  scanning = scan(box.querySelector("video"));
  try {
    const text = await scanning.done;
    if (text) scanned(text);
  } catch (err) {
    shell.toast("error", t("guard.scan_unavailable", { reason: err?.message || String(err) }));
  } finally {
    scanning = null;
    box.hidden = true;
  }
}

// Mark each checkpoint button with how soon it is due.
function renderDue() {
  if (!shell?.index) return;
  const now = Date.now();
  for (const el of form.querySelectorAll("[data-checkpoint]")) {
    // The server's row carries the interval of the phase in force and the due time.
    const st = patrolStatus(patrols.get(el.dataset.checkpoint), now);
    el.dataset.status = patrols.size ? st.status : "unknown";
  }
}

// Fetch the patrol times (and the phase when the answer carries it).
export async function refresh() {
  try {
    // The patrol rows every role on the phone may read (the phase comes with them).
    const res = await get("/api/v1/patrols");
    if (res.phase) shell.setPhase(res.phase, res.phase_since || null);
    const rows = Array.isArray(res.patrols) ? res.patrols : Object.values(res.patrols || {});
    patrols = new Map(rows.map((p) => [p.checkpoint_id, p]));
    renderDue();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

// A phase change, an overdue gate or this guard's own check-in refreshes the list at once.
export function onEvents() {
  refresh();
}

// Bind the form and start marking due times.
export function mount(s) {
  shell = s;
  form = document.querySelector("[data-checkin]");
  form.addEventListener("input", (e) => {
    if (e.target.name === "checkpoint_id") setCode(null); // chosen by hand: a manual check-in
    if (e.target.name === "note") noteTouched = true;
    if (e.target.name === "status" && e.target.value === "issue" && !form.elements.note.value.trim()) {
      form.elements.note.focus();
    }
    validate();
  });
  handler = submission(shell, {
    name, form, submitLabel: () => t("guard.submit"), validate, build, reset: resetForm, saved, fill,
  });
  form.addEventListener("submit", handler.submit);
  form.querySelector("[data-scan]").addEventListener("click", openScanner);
  form.querySelector("[data-scan-close]").addEventListener("click", () => scanning?.stop());
  setTimeout(preloadDecoder, 3000);
  validate();
  setInterval(renderDue, 15000);
}
