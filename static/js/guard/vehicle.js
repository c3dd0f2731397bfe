// Vehicle log screen: the plate normalised as it is typed (upper case, half-width, no spaces,
// · or -), in or out, the gate, the kind and a pass; sent through the outbox.
import { clearErrors, setFieldError } from "../common.js";
import { t, timeHM } from "../i18n.js";
import { checked, showSending } from "./form.js";
import { normalisePlate } from "../idcheck.js";
import { bindEntrances, chosenEntrance, rememberEntrance } from "../entrances.js";

export const name = "vehicle";

let shell = null;
let form = null;
let pendingKey = null;

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

function setSending(on) {
  showSending(form, on, t("vehicle.submit"));
}

async function submit(e) {
  e.preventDefault();
  if (pendingKey || !checked(form, validate)) return;
  const fd = new FormData(form);
  const body = {
    plate: normalisePlate(fd.get("plate")).plate, direction: fd.get("direction"),
    entrance_id: chosenEntrance(form), kind: fd.get("kind"),
  };
  const pass = (fd.get("pass_id") || "").trim();
  if (pass) body.pass_id = pass;
  rememberEntrance(body.entrance_id);
  pendingKey = "adding";
  setSending(true);
  const item = await shell.outbox.add("/api/v1/vehicles", body,
    { kind: name, plate: body.plate, direction: body.direction });
  pendingKey = item.key;
  shell.hideToast();
  shell.outbox.flush();
}

function resetForm() {
  const keep = { direction: form.elements.direction.value, kind: form.elements.kind.value };
  form.reset();
  for (const [field, v] of Object.entries(keep)) form.querySelector(`[name="${field}"][value="${v}"]`).checked = true;
  bindEntrances(form, shell.index, vehicleGate);
  clearErrors(form);
  validate();
}

const direction = (item) => t(item.label?.direction === "out" ? "vehicle.out" : "vehicle.in");

// The server logged the vehicle: confirm and free the form.
export function sent(item, data) {
  const when = data.event?.ts || data.vehicle?.at || new Date().toISOString();
  shell.toast("ok", t("vehicle.saved", { plate: item.label.plate, direction: direction(item), time: timeHM(when) }));
  if (item.key === pendingKey) {
    pendingKey = null;
    setSending(false);
    resetForm();
  }
}

// The vehicle waits in the outbox: free the form, say it is queued.
export function held(keys) {
  if (!pendingKey || !keys.includes(pendingKey)) return;
  pendingKey = null;
  setSending(false);
  resetForm();
  shell.toast("queued", t("guard.queued"));
}

// The server refused: a vehicle leaving twice is said plainly; field errors go inline.
export function rejected(item, error) {
  const mine = item.key === pendingKey;
  if (mine) {
    pendingKey = null;
    setSending(false);
  }
  if (error.status === 409) {
    shell.toast("error", t("vehicle.already_out", { plate: item.label.plate }));
    if (mine) resetForm();
    return;
  }
  if (mine && shell.placeErrors(form, error)) return;
  shell.toast("error", t("vehicle.rejected", { plate: item.label.plate, message: shell.errorText(error) }));
}

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
  form.addEventListener("input", () => validate());
  form.addEventListener("submit", submit);
  window.addEventListener("hashchange", () => {
    if (location.hash === `#${name}`) bindEntrances(form, shell.index, vehicleGate);
  });
}
