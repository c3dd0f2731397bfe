// Incident report screen: category tiles, severity in words (preset by the category), place
// from the venue, what happened, up to 5 camera photos downscaled here before they are queued.
// The report goes through the outbox with its photos, so it survives being offline and reloads.
import { h, setFieldError } from "../common.js";
import { serverIso } from "../clock.js";
import { loc, t, timeHM } from "../i18n.js";
import { submission } from "./form.js";

export const name = "incident";

const MAX_PHOTOS = 5;
const MAX_EDGE = 1600; // the server keeps up to 2560; 1600 is plenty on a phone and uploads fast
const QUALITY = 0.8;

let shell = null;
let form = null;
let photos = []; // [{blob, url}]
let touched = new Set();

const categoryOf = (id) => (shell.index.venue.incident_categories || []).find((c) => c.id === id);
const categoryName = (id) => (categoryOf(id) ? loc(categoryOf(id).name) : id);

// Draw one tile per venue category, each with its icon.
function renderCategories() {
  const box = form.querySelector("[data-categories]");
  box.replaceChildren(...(shell.index.venue.incident_categories || []).map((c) => h("label",
    { class: "g-cat", dataset: { category: c.id } },
    h("input", { type: "radio", name: "category", value: c.id }),
    h("span", { class: `icon icon-inc icon-inc-${c.id}`, "aria-hidden": "true" }),
    h("span", { class: "g-cat-name" }, loc(c.name)))));
}

// Fill the place picker: entrances first, then each zone with its checkpoints.
function renderLocations() {
  const { venue } = shell.index;
  const select = form.querySelector("[data-locations]");
  const option = (id, text) => h("option", { value: id }, text);
  const groups = [h("optgroup", { label: t("guard.entrances") },
    ...(venue.entrances || []).map((e) => option(e.id, `${e.id} ${loc(e.name)}`)))];
  const entranceIds = new Set((venue.entrances || []).map((e) => e.id));
  for (const zone of venue.zones || []) {
    const points = (venue.checkpoints || []).filter((c) => c.zone_id === zone.id && !entranceIds.has(c.id));
    groups.push(h("optgroup", { label: loc(zone.name) },
      option(zone.id, t("incident.whole_zone", { zone: loc(zone.name) })),
      ...points.map((c) => option(c.id, `${c.id} ${loc(c.name)}`))));
  }
  select.append(...groups);
}

// Check the form; show errors for fields touched so far (or all of them).
function validate(all = false) {
  const fd = new FormData(form);
  const errors = {};
  if (!fd.get("category")) errors.category = t("incident.choose_category");
  if (!fd.get("location_id")) errors.location_id = t("incident.choose_location_needed");
  if (!(fd.get("description") || "").trim()) errors.description = t("incident.describe");
  for (const field of ["category", "location_id", "description"]) {
    if (all || touched.has(field) || !errors[field]) setFieldError(form, field, errors[field] || "");
  }
  return Object.keys(errors).length === 0;
}

// Return a JPEG of an image file, its long edge at most MAX_EDGE (upright, no metadata).
async function downscale(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (!blob) throw new Error("encode failed");
  return new File([blob], `photo-${Date.now()}.jpg`, { type: "image/jpeg" });
}

// Show the chosen photos as thumbnails with a remove button each.
function renderPhotos() {
  form.querySelector("[data-thumbs]").replaceChildren(...photos.map((p, i) => h("li", {},
    h("img", { src: p.url, alt: "" }),
    h("button", {
      type: "button", class: "g-thumb-remove", "aria-label": t("incident.remove_photo", { n: i + 1 }),
      onclick: () => removePhoto(i),
    }, "×"))));
  form.querySelector("[data-photo-count]").textContent = t("incident.photo_count", { n: photos.length, max: MAX_PHOTOS });
  form.querySelector("[data-photo-add]").hidden = photos.length >= MAX_PHOTOS;
}

function removePhoto(i) {
  URL.revokeObjectURL(photos[i].url);
  photos.splice(i, 1);
  setFieldError(form, "file", "");
  renderPhotos();
}

// Take the files the camera or gallery gave, downscaled, up to the limit.
async function addPhotos(e) {
  const input = e.currentTarget;
  const files = [...input.files];
  input.value = "";
  let error = "";
  if (photos.length + files.length > MAX_PHOTOS) error = t("incident.too_many_photos", { max: MAX_PHOTOS });
  for (const file of files.slice(0, MAX_PHOTOS - photos.length)) {
    try {
      const blob = await downscale(file);
      photos.push({ blob, url: URL.createObjectURL(blob) });
    } catch {
      error = t("incident.not_a_photo");
    }
  }
  setFieldError(form, "file", error);
  renderPhotos();
}

// Empty the form (and its photos) for the next report.
function resetForm() {
  form.reset();
  for (const p of photos) URL.revokeObjectURL(p.url);
  photos = [];
  touched = new Set();
  renderPhotos();
}

// Put a refused report back in the form (its photos stay with the refused item).
function fill(body) {
  for (const field of ["category", "severity"]) {
    const input = form.querySelector(`[name="${field}"][value="${CSS.escape(String(body[field] ?? ""))}"]`);
    if (input) input.checked = true;
  }
  form.elements.location_id.value = body.location_id || "";
  form.elements.description.value = body.description || "";
  for (const field of ["category", "location_id", "description"]) touched.add(field);
  validate();
}

// Return what to queue: the report, observed now on the server's clock, with its photos.
function build() {
  const fd = new FormData(form);
  const body = {
    category: fd.get("category"),
    location_id: fd.get("location_id"),
    description: fd.get("description").trim(),
    observed_at: serverIso(),
  };
  if (fd.get("severity")) body.severity = Number(fd.get("severity"));
  return {
    url: "/api/v1/incidents", body,
    label: { category: body.category, location_id: body.location_id, photos: photos.length },
    options: { files: photos.map((p) => p.blob) },
  };
}

// The server recorded the report (with its photos): the confirmation.
function saved(item, data) {
  const when = data.incident?.reported_at || item.body.observed_at;
  return t("incident.sent", {
    category: categoryName(item.body.category), location: shell.labelOf(item.body.location_id), time: timeHM(when),
  });
}

// A report of this form saved or queued: back to the home screen, where the message shows.
function goHome(item, _data, mine = true) {
  if (mine) shell.go("home");
  return false;
}

// Radio groups carry no aria-invalid: a missing category is found by its own check.
const firstWrong = () => (new FormData(form).get("category") ? null : form.querySelector('input[name="category"]'));

let handler = null;
export const sent = (item, data) => handler.sent(item, data);
export const held = (keys) => handler.held(keys);
export const rejected = (item, error) => handler.rejected(item, error);
export const edit = (item) => handler.edit(item);

// Describe a waiting report in the outbox panel.
export function outboxLine(item) {
  return t("incident.pending_item", {
    category: categoryName(item.body.category), location: shell.labelOf(item.body.location_id),
    photos: (item.files || []).length, time: timeHM(item.created_at),
  });
}

// Bind the form; categories and places come from the venue.
export function mount(s) {
  shell = s;
  form = document.querySelector("[data-incident]");
  renderCategories();
  renderLocations();
  renderPhotos();
  form.addEventListener("change", (e) => {
    if (e.target.name === "category") {
      const preset = categoryOf(e.target.value)?.default_severity;
      const radio = form.querySelector(`input[name="severity"][value="${preset}"]`);
      if (radio) radio.checked = true;
    }
    if (e.target.name) touched.add(e.target.name);
    validate();
  });
  form.addEventListener("input", (e) => {
    if (e.target.name === "description") touched.add("description");
    if (e.target.name !== "file") validate();
  });
  form.querySelector("[data-photo-input]").addEventListener("change", addPhotos);
  handler = submission(shell, {
    name, form, submitLabel: () => t("incident.submit"), validate, firstWrong, build, reset: resetForm,
    saved, fill, onSaved: goHome, onQueued: goHome, queued: () => t("incident.queued"),
  });
  form.addEventListener("submit", handler.submit);
}
