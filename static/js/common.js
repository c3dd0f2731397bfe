// Shared page helpers: sign-out button, inline form errors, page context, venue data.
import { api, get } from "./api.js";
import { loc, t } from "./i18n.js";

export const page = {
  username: document.body.dataset.username || "",
  role: document.body.dataset.role || "",
  displayName: document.body.dataset.displayName || "",
};

// Forget this user's sealed outbox items and key, asking first when some are pending;
// tell whether to go on. Unsealed items stay, as before, until this user signs in again.
async function forgetSealedData() {
  if (!page.username || !("indexedDB" in window)) return true;
  try {
    const { forgetSealed, sealedCount } = await import("./outbox.js");
    const n = await sealedCount(page.username);
    if (n && !window.confirm(t("outbox.signout_sealed", { n }))) return false;
    await forgetSealed(page.username);
  } catch { /* storage blocked: nothing sealed was kept */ }
  return true;
}

// Sign out over the API, then go to the sign-in page.
export async function signOut() {
  if (!(await forgetSealedData())) return;
  try { await api("POST", "/api/v1/auth/logout", { body: {} }); } catch { /* go anyway */ }
  try {
    for (const key of await caches.keys()) if (key.startsWith("gatewatch-shell")) await caches.delete(key);
  } catch { /* no Cache API (plain HTTP) */ }
  location.assign("/login");
}

// Bind every [data-signout] button on the page.
export function bindSignOut(root = document) {
  for (const btn of root.querySelectorAll("[data-signout]")) {
    btn.addEventListener("click", (e) => { e.preventDefault(); signOut(); });
  }
}

// Show message under the element marked data-error-for=name inside form (hide when empty).
export function setFieldError(form, name, message) {
  const el = form.querySelector(`[data-error-for="${name}"]`);
  const input = form.elements?.[name];
  if (input && typeof input.setAttribute === "function") {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  if (!el) return false;
  el.textContent = message || "";
  el.hidden = !message;
  return true;
}

// Show a message in the form's [data-form-error] element (hide when empty).
export function setFormError(form, message) {
  const el = form.querySelector("[data-form-error]");
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
}

// Clear every inline error in form.
export function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-error-for]")) setFieldError(form, el.dataset.errorFor, "");
  setFormError(form, "");
}

// Show an ApiError on form: field messages inline, the rest as the form error.
export function showApiError(form, err) {
  clearErrors(form);
  let placed = 0;
  for (const [name, message] of Object.entries(err.fields || {})) {
    if (setFieldError(form, name, message)) placed++;
  }
  if (!placed) setFormError(form, errorText(err));
}

// Return a human sentence for an ApiError.
export function errorText(err) {
  if (!err) return "";
  if (err.status === 0) return t("error.network");
  if (err.status === 503) return t("error.unavailable");
  if (err.status === 403) return t("error.forbidden");
  const fields = Object.values(err.fields || {});
  const text = [err.message, ...fields].filter(Boolean).join(" — ");
  return t("error.generic", { message: text || err.code });
}

let venuePromise = null;

// Return the venue (embedded in the page, else fetched once from /api/v1/venue).
export function loadVenue() {
  if (!venuePromise) {
    const el = document.getElementById("venue");
    venuePromise = el ? Promise.resolve(JSON.parse(el.textContent)) : get("/api/v1/venue");
  }
  return venuePromise;
}

// Build lookup helpers for a venue: checkpoint and zone by id, labels, phase names.
export function venueIndex(venue) {
  const checkpoints = new Map((venue.checkpoints || []).map((c) => [c.id, c]));
  const zones = new Map((venue.zones || []).map((z) => [z.id, z]));
  const entrances = new Map((venue.entrances || []).map((e) => [e.id, e]));
  const phases = new Map((venue.phases || []).map((p) => (typeof p === "string" ? [p, { id: p }] : [p.id, p])));
  return {
    venue, checkpoints, zones, entrances,
    // Return "E3 南门车辆入口" for a checkpoint or entrance, "主会场" for a zone (its id is a
    // word in the config, not a sign on the wall).
    label(id) {
      if (!id) return "";
      const thing = checkpoints.get(id) || entrances.get(id);
      if (thing) return `${id} ${loc(thing.name)}`.trim();
      return zones.has(id) ? loc(zones.get(id).name) || id : id;
    },
    // Return the name alone ("主会场") where the id would be noise (zones people know by name).
    name(id) {
      const thing = checkpoints.get(id) || entrances.get(id) || zones.get(id);
      return thing?.name ? loc(thing.name) : id || "";
    },
    // Return a phase's display name.
    phaseName(id) {
      if (!id) return "—";
      const p = phases.get(id);
      if (p && p.name) return loc(p.name);
      const text = t(`phase.${id}`);
      return text === `phase.${id}` ? id : text;
    },
  };
}

// Create an element with attributes and children (strings become text nodes).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

bindSignOut();
