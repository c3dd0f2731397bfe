// Vehicle log screen: the plate normalised as it is typed (upper case, half-width, no spaces,
// · or -), in or out, the gate, the kind and a pass; sent through the outbox.
import { setFieldError } from "../common.js";
import { t, timeHM } from "../i18n.js";
import { submission } from "./form.js";
import { normalisePlate } from "../idcheck.js";
import { bindEntrances, chosenEntrance, rememberEntrance } from "../entrances.js";

export const name = "vehicle";

let shell = null;
let form = null;
let passWarned = false; // the guard was told this gate needs a pass and may now send without

const vehicleGate = (e) => e.vehicles !== false; // gates the venue file closes to vehicles are left out

// Rewrite the plate as it will be recorded, keeping the caret at the end of what was typed.
function normaliseInput(input) {
  const { plate } = normalisePlate(input.value);
  if (plate !== input.value) {
    const atEnd = input.selectionStart === input.value.length;
    input.value = plate;
    if (atEnd) input.setSelectionRange(plate.length, plate.length);
  }
}

// Show whether the plate looks usual; return whether the form may be sent.
function validate(all = false) {
  const raw = form.elements.plate.value.trim();
  const note = form.querySelector("[data-plate-note]");
  const { plate, unusual } = normalisePlate(raw);
  note.hidden = !plate;
  note.textContent = t(unusual ? "visitor.plate_unusual" : "visitor.plate_shown", { plate });
  note.dataset.unusual = unusual ? "true" : "false";
  if (all || plate) setFieldError(form, "plate", plate ? "" : t("vehicle.plate_needed"));
  const entrance = chosenEntrance(form);
  if (all) setFieldError(form, "entrance_id", entrance ? "" : t("visitor.entrance_needed"));
  return Boolean(plate && entrance);
}

// Tell whether the chosen gate asks for a vehicle pass (the venue file's rule, as the server reads it).
function passRequired() {
  return Boolean(shell.index.entrances.get(chosenEntrance(form))?.vehicle_pass_required);
}

// Say beside the pass field whether this gate requires one.
function renderPassHint() {
  const hint = form.querySelector("[data-pass-hint]");
  const required = passRequired();
  hint.textContent = `(${required ? t("vehicle.pass_required", { gate: chosenEntrance(form) }) : t("visitor.optional")})`;
  hint.dataset.required = required ? "true" : "false";
  form.elements.pass_id.required = required;
}

// Wrap validate: entering a gate that requires a pass without one is warned about once; a
// second press records it anyway (the control room is alerted, as the server decides).
function checkPass(validate) {
  return (all = false) => {
    renderPassHint();
    const ok = validate(all);
    const missing = passRequired() && form.elements.direction.value === "in" && !form.elements.pass_id.value.trim();
    if (!missing) setFieldError(form, "pass_id", "");
    if (!all || !ok || !missing || passWarned) return ok;
    passWarned = true;
    setFieldError(form, "pass_id", t("vehicle.pass_missing", { gate: chosenEntrance(form) }));
    return false;
  };
}

// Return what to queue: the plate as it will be recorded, the direction, the gate, kind, pass.
function build() {
  const fd = new FormData(form);
  const body = {
    plate: normalisePlate(fd.get("plate")).plate, direction: fd.get("direction"),
    entrance_id: chosenEntrance(form), kind: fd.get("kind"),
  };
  const pass = (fd.get("pass_id") || "").trim();
  if (pass) body.pass_id = pass;
  rememberEntrance(body.entrance_id);
  return { url: "/api/v1/vehicles", body, label: { plate: body.plate, direction: body.direction } };
}

// Empty the form for the next vehicle (the direction and kind stay as they were).
function resetForm() {
  const keep = { direction: form.elements.direction.value, kind: form.elements.kind.value };
  form.reset();
  for (const [field, v] of Object.entries(keep)) form.querySelector(`[name="${field}"][value="${v}"]`).checked = true;
  bindEntrances(form, shell.index, vehicleGate);
  passWarned = false;
  validate();
}

// Put a refused vehicle back in the form.
function fill(body) {
  form.elements.plate.value = body.plate || "";
  for (const field of ["direction", "kind", "entrance_id"]) {
    const input = form.querySelector(`[name="${field}"][value="${CSS.escape(body[field] || "")}"]`);
    if (input) input.checked = true;
  }
  form.elements.pass_id.value = body.pass_id || "";
  validate();
}

const direction = (item) => t(item.label?.direction === "out" ? "vehicle.out" : "vehicle.in");

// The server logged the vehicle: the confirmation (a missing pass is said, not hidden in green).
function saved(item, data) {
  const when = data.event?.ts || data.vehicle?.at || new Date().toISOString();
  const text = t("vehicle.saved", { plate: item.label.plate, direction: direction(item), time: timeHM(when) });
  return data.vehicle?.no_pass || data.event?.data?.no_pass ? `${text} — ${t("vehicle.saved_no_pass")}` : text;
}

// A vehicle leaving twice is a final answer: said plainly, nothing left to fix.
function onRefused(item, error, mine) {
  if (error.status !== 409) return false;
  shell.toast("error", t("vehicle.already_out", { plate: item.label.plate }), { view: name });
  if (mine) handler.reset();
  return true;
}

// Tell whether a refusal settles the entry (the vehicle was already out): nothing to keep.
export const settles = (item, error) => error.status === 409 && error.code !== "busy";

let handler = null;
export const sent = (item, data) => handler.sent(item, data);
export const held = (keys) => handler.held(keys);
export const rejected = (item, error) => handler.rejected(item, error);
export const edit = (item) => handler.edit(item);

// Describe a waiting vehicle in the outbox panel.
export function outboxLine(item) {
  return t("vehicle.pending", { plate: item.label?.plate || "", direction: direction(item), time: timeHM(item.created_at) });
}

// Bind the form.
export function mount(s) {
  shell = s;
  form = document.querySelector("[data-vehicle]");
  bindEntrances(form, shell.index, vehicleGate);
  const plate = form.elements.plate;
  plate.addEventListener("input", (e) => { if (!e.isComposing) normaliseInput(plate); });
  plate.addEventListener("compositionend", () => normaliseInput(plate));
  form.addEventListener("input", (e) => {
    if (["pass_id", "entrance_id", "direction"].includes(e.target.name)) passWarned = false;
    checkPass(validate)();
  });
  renderPassHint();
  handler = submission(shell, {
    name, form, submitLabel: () => t("vehicle.submit"), validate: checkPass(validate), build, reset: resetForm,
    saved, fill, onRefused,
  });
  form.addEventListener("submit", handler.submit);
  window.addEventListener("hashchange", () => {
    if (location.hash !== `#${name}`) return;
    bindEntrances(form, shell.index, vehicleGate);
    renderPassHint();
  });
}
