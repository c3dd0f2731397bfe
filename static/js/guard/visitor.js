// Visitor registration screen: document type, the number checked as it is typed (the server's
// rules, static/js/idcheck.js), an expected visitor's details filled in, sent through the outbox
// with the ID number sealed. The full number never goes into a label, a toast or the page log.
import { ApiError, post } from "../api.js";
import { clearErrors, setFieldError } from "../common.js";
import { serverNow } from "../clock.js";
import { t, timeHM, timeZone } from "../i18n.js";
import { submission } from "./form.js";
import { MAX_LENGTH, checkId, checkPhone, checkTyping, isMobile, maskId, normalisePlate, todayIn }
  from "../idcheck.js";
import { bindEntrances, chosenEntrance, rememberEntrance } from "../entrances.js";

export const name = "visitor";

let shell = null;
let form = null;
let shown = null; // {name, id_masked} of the registration on screen (never the full number)
let looked = ""; // the "type:number" last asked about on the expected list
const touched = new Set();

const $ = (sel) => document.querySelector(sel);
const value = (field) => (form.elements[field].value || "").trim();

// Show the typing state of the ID number: count, ✓, or the reason it cannot be right.
function renderId(all = false) {
  const idType = form.elements.id_type.value;
  const typed = checkTyping(idType, form.elements.id_number.value, todayIn(timeZone));
  const status = form.querySelector("[data-id-status]");
  status.dataset.state = typed.state;
  status.textContent = typed.state === "valid" ? t("visitor.id_ok")
    : typed.count ? t("visitor.id_count", { n: typed.count, max: MAX_LENGTH[idType] }) : "";
  const show = typed.state === "invalid" || ((all || touched.has("id_number")) && typed.state !== "valid");
  const code = typed.error || (typed.state === "empty" ? `id_format_${idType}` : null);
  setFieldError(form, "id_number", show && code ? t(`visitor.error.${code}`) : "");
  if (typed.state === "valid") lookupExpected(idType, typed.value);
  return typed.state === "valid";
}

// Show whether the phone is a mainland mobile, or why it is not acceptable.
function renderPhone(all = false) {
  const phone = value("phone");
  const hint = form.querySelector("[data-phone-hint]");
  hint.textContent = phone && isMobile(phone) ? t("visitor.phone_mobile") : t("visitor.phone_hint");
  hint.dataset.ok = phone && isMobile(phone) ? "true" : "false";
  const bad = phone && checkPhone(phone).error;
  setFieldError(form, "phone", bad && (all || touched.has("phone")) ? t("visitor.error.phone_format") : "");
  return !bad;
}

// Show the plate as it will be recorded; flag an unusual one (never refuse it).
function renderPlate() {
  const note = form.querySelector("[data-plate-note]");
  const raw = value("plate");
  if (!raw) {
    note.hidden = true;
    return;
  }
  const { plate, unusual } = normalisePlate(raw);
  note.textContent = t(unusual ? "visitor.plate_unusual" : "visitor.plate_shown", { plate });
  note.dataset.unusual = unusual ? "true" : "false";
  note.hidden = false;
}

// Validate the whole form; show errors for touched fields (or all). Return whether it may be sent.
function validate(all = false) {
  let ok = renderId(all);
  ok = renderPhone(all) && ok;
  renderPlate();
  for (const [field, key] of [["name", "visitor.name_needed"], ["purpose", "visitor.purpose_needed"]]) {
    const missing = !value(field);
    if (all || touched.has(field) || !missing) setFieldError(form, field, missing ? t(key) : "");
    ok = ok && !missing;
  }
  const entrance = chosenEntrance(form);
  if (all || entrance) setFieldError(form, "entrance_id", entrance ? "" : t("visitor.entrance_needed"));
  return ok && Boolean(entrance);
}

// Ask whether the person is on the expected list; fill in what the guard has not typed.
async function lookupExpected(idType, idNumber) {
  const key = `${idType}:${idNumber}`;
  if (key === looked) return;
  looked = key;
  let res;
  try {
    res = await post("/api/v1/visitors/expected/lookup", { id_type: idType, id_number: idNumber });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return; // 404: not expected; 405: no list on this server yet; offline: the guard types it all
  }
  const found = res.expected || res.visitor || res;
  if (looked !== key || !found || !found.name) return;
  for (const field of ["name", "organization", "host", "plate"]) {
    if (found[field] && !value(field)) form.elements[field].value = found[field];
  }
  if (found.plate) form.querySelector("[data-more]").open = true;
  form.dataset.expected = "true";
  form.querySelector("[data-expected-note]").hidden = false;
  validate();
}

// Return the request body from the form (numbers normalised as the server would).
function bodyOf() {
  const idType = form.elements.id_type.value;
  const body = {
    id_type: idType, id_number: checkId(idType, form.elements.id_number.value, todayIn(timeZone)).value,
    name: value("name"), purpose: value("purpose"), entrance_id: chosenEntrance(form),
  };
  const phone = value("phone") && checkPhone(value("phone")).value;
  if (phone) body.phone = phone;
  for (const field of ["organization", "host", "badge"]) if (value(field)) body[field] = value(field);
  if (value("plate")) body.plate = normalisePlate(value("plate")).plate;
  const hours = Number(form.elements.until.value);
  if (hours) body.expected_until = new Date(serverNow().getTime() + hours * 3600000).toISOString();
  return body;
}

// Return what to queue (the ID number sealed on the phone before anything is stored).
function build() {
  const body = bodyOf();
  rememberEntrance(body.entrance_id);
  shown = { name: body.name, id_masked: maskId(body.id_number) };
  const label = { id_masked: shown.id_masked, entrance_id: body.entrance_id };
  if (form.dataset.expected === "true") label.expected = true;
  return { url: "/api/v1/visitors", body, label, options: { seal: ["id_number"] } };
}

// Put a refused registration back in the form (the sealed number opened for it).
function fill(body) {
  const type = form.querySelector(`[name="id_type"][value="${CSS.escape(body.id_type || "")}"]`);
  if (type) type.checked = true;
  for (const field of ["id_number", "name", "purpose", "phone", "organization", "host", "badge", "plate"]) {
    if (form.elements[field]) form.elements[field].value = body[field] || "";
  }
  const entrance = form.querySelector(`[name="entrance_id"][value="${CSS.escape(body.entrance_id || "")}"]`);
  if (entrance) entrance.checked = true;
  if (body.plate || body.badge) form.querySelector("[data-more]").open = true;
  form.hidden = false;
  document.querySelector("[data-visitor-done]").hidden = true;
  for (const field of ["id_number", "name", "purpose", "phone"]) touched.add(field);
  validate();
}

// Empty the form for the next visitor (the document type and entrance stay as they were).
function resetForm() {
  const idType = form.elements.id_type.value;
  form.reset();
  form.querySelector(`[name="id_type"][value="${idType}"]`).checked = true;
  bindEntrances(form, shell.index); // back to the guard's entrance
  delete form.dataset.expected;
  form.querySelector("[data-expected-note]").hidden = true;
  form.querySelector("[data-more]").open = false;
  touched.clear();
  looked = "";
  clearErrors(form);
  validate();
}

// Show the registered (or queued) visitor and the big "register next".
function showDone(queued, visitor = null) {
  const done = $("[data-visitor-done]");
  done.dataset.queued = queued ? "true" : "false";
  done.querySelector("[data-done-title]").textContent = t(queued ? "visitor.done_queued" : "visitor.done_title");
  done.querySelector("[data-done-name]").textContent = visitor?.name || shown?.name || "";
  done.querySelector("[data-done-id]").textContent = visitor?.id_masked || shown?.id_masked || "";
  done.querySelector("[data-done-when]").textContent = visitor?.registered_at
    ? t("visitor.done_at", { time: timeHM(visitor.registered_at) }) : "";
  form.hidden = true;
  done.hidden = false;
  done.focus();
  resetForm();
}

// Show the full-screen instruction: hold the person, call the control room.
function showDeny(item, mine) {
  const deny = $("[data-visitor-deny]");
  deny.querySelector("[data-deny-who]").textContent =
    [mine ? shown?.name : "", item.label?.id_masked].filter(Boolean).join(" · ");
  deny.hidden = false;
  deny.querySelector("[data-deny-done]").focus();
}

function isDenied(data) {
  return Boolean(data?.denied || data?.visitor?.denied || data?.event?.type === "visitor.denied");
}

// The server answered a registration: the done card, or the deny screen to hold the person.
function onSaved(item, data, mine) {
  if (isDenied(data)) {
    showDeny(item, mine);
    return true;
  }
  if (!mine) return false;
  showDone(false, data.visitor);
  return true;
}

const saved = (item, data) => `${t("visitor.done_title")} ${data.visitor?.name || ""} ${data.visitor?.id_masked || item.label?.id_masked || ""}`;

// A watchlist deny is shown full screen; the rest goes beside the fields.
function onRefused(item, error, mine) {
  if (!(error.status === 409 && error.code === "visitor_denied")) return false;
  showDeny(item, mine);
  if (mine) handler.reset();
  return true;
}

// Tell whether a refusal settles the registration (a watchlist deny: the person is held).
export const settles = (item, error) => error.status === 409 && error.code === "visitor_denied";

let handler = null;
export const sent = (item, data) => handler.sent(item, data);
export const held = (keys) => handler.held(keys);
export const rejected = (item, error) => handler.rejected(item, error);
export const edit = (item) => handler.edit(item);

// Describe a waiting registration in the outbox panel (masked number only).
export function outboxLine(item) {
  return t("visitor.pending", { id: item.label?.id_masked || "", time: timeHM(item.created_at) });
}

// Bind the form: type-first choice, live checks, quick purposes, entrances, register next.
export function mount(s) {
  shell = s;
  form = document.querySelector("[data-visitor]");
  bindEntrances(form, shell.index);
  form.addEventListener("input", (e) => {
    const field = e.target.name;
    if (field === "id_type") {
      looked = "";
      form.elements.id_number.focus();
    }
    if (field === "id_number" && form.dataset.expected === "true") {
      delete form.dataset.expected;
      form.querySelector("[data-expected-note]").hidden = true;
    }
    validate();
  });
  form.addEventListener("focusout", (e) => {
    if (e.target.name && e.target.value) {
      touched.add(e.target.name);
      validate();
    }
  });
  form.querySelector("[data-purposes]").addEventListener("click", (e) => {
    const btn = e.target.closest("[data-purpose]");
    if (!btn) return;
    form.elements.purpose.value = btn.dataset.purpose;
    touched.add("purpose");
    validate();
  });
  handler = submission(shell, {
    name, form, submitLabel: () => t("visitor.submit"), validate, build, reset: resetForm, saved, fill,
    onSaved, onRefused, onQueued: () => { showDone(true); return true; },
  });
  form.addEventListener("submit", handler.submit);
  document.querySelector('[data-view="visitor"] [data-next]').addEventListener("click", () => {
    document.querySelector("[data-visitor-done]").hidden = true;
    form.hidden = false;
    window.scrollTo(0, 0);
    form.elements.id_number.focus();
  });
  window.addEventListener("hashchange", () => {
    // Back from check-out: start at the entrance used there, unless a registration is under way.
    if (location.hash === `#${name}` && !handler.busy() && !value("id_number") && !value("name")) {
      bindEntrances(form, shell.index);
    }
  });
  document.querySelector("[data-deny-done]").addEventListener("click", () => {
    document.querySelector("[data-visitor-deny]").hidden = true;
  });
  validate();
}
