// The command desk's programme editor (commanders): open a date or the daily template from
// GET /api/v1/programme, change its meetings, and save them with POST /api/v1/programme/days (they
// replace the venue file's day), or put the file's day back with …/days/{date}/reset. The server
// checks everything (times, overlaps, zones, past days) and names the field; this page only shows
// its words under that field. One Idempotency-Key per body: a retry after a network error reuses it.
import { get, newKey, post } from "../api.js";
import { clearErrors, errorText, h, loadVenue, setFormError, showApiError, venueIndex } from "../common.js";
import { dateTime, loc, t } from "../i18n.js";

const root = document.querySelector("[data-programme-edit]");
const $ = (sel) => root.querySelector(sel);
const form = $("[data-programme-day]");
let index = null;
let opened = null; // the day as the server listed it (PlannedDay)
let pending = null; // {body, key}: the last request sent, for a retry with the same key

// One labelled input with the place for its field error (named as the server names the field).
function field(name, label, input) {
  input.name = name;
  input.setAttribute("aria-describedby", `err-${name}`);
  return h("label", { class: "programme-field" }, h("span", {}, label), input,
    h("span", { class: "field-error", id: `err-${name}`, "data-error-for": name, hidden: true }));
}

function zonePicker(name, chosen) {
  const boxes = index.venue.zones.map((z) => h("label", { class: "programme-zone" },
    h("input", { type: "checkbox", value: z.id, checked: chosen.includes(z.id), "data-zone": z.id }), loc(z.name)));
  return h("fieldset", { class: "programme-zones", "data-zones": name },
    h("legend", {}, t("programme.edit.zones")), ...boxes,
    h("span", { class: "field-error", "data-error-for": name, hidden: true }));
}

// The fields of one meeting (index i names them: meetings.i.start …).
function meetingFields(m, i) {
  const p = `meetings.${i}`;
  const input = (type, value, extra = {}) => h("input", { type, value: value ?? "", ...extra });
  const box = h("fieldset", { class: "programme-meeting", "data-meeting-index": i },
    h("legend", {}, t("programme.edit.meeting", { n: i + 1 })),
    h("div", { class: "programme-row" },
      field(`${p}.name.zh-CN`, t("programme.edit.name_zh"), input("text", m.name?.["zh-CN"], { maxlength: 80, required: true })),
      field(`${p}.name.en`, t("programme.edit.name_en"), input("text", m.name?.en, { maxlength: 80, required: true, lang: "en" })),
      field(`${p}.id`, t("programme.edit.id"), input("text", m.id, { maxlength: 64, required: true, pattern: "[A-Za-z0-9_-]+", lang: "en" }))),
    h("div", { class: "programme-row" },
      field(`${p}.start`, t("programme.edit.start"), input("time", m.start, { required: true })),
      field(`${p}.end`, t("programme.edit.end"), input("time", m.end, { required: true })),
      field(`${p}.check_before_min`, t("programme.edit.check_before"),
        input("number", m.check_before_min ?? 60, { min: 0, max: 720, step: 5 }))),
    zonePicker(`${p}.zones`, m.zones || []),
    h("button", { type: "button", class: "danger", "data-remove": i }, t("programme.edit.remove")));
  return box;
}

// Read the meetings back from the form, in the server's shape.
function meetingsFromForm() {
  return [...form.querySelectorAll(".programme-meeting")].map((box, i) => {
    const value = (name) => form.elements[`meetings.${i}.${name}`]?.value.trim() ?? "";
    const minutes = Number.parseInt(value("check_before_min"), 10);
    return {
      id: value("id"), name: { "zh-CN": value("name.zh-CN"), en: value("name.en") },
      start: value("start"), end: value("end"),
      zones: [...box.querySelectorAll("[data-zone]:checked")].map((c) => c.value),
      check_before_min: Number.isNaN(minutes) ? value("check_before_min") : minutes,
    };
  });
}

function drawMeetings(meetings) {
  $("[data-programme-meetings]").replaceChildren(...meetings.map(meetingFields));
  $("[data-programme-empty]").hidden = meetings.length > 0;
}

function sourceText(day) {
  if (day.source === "edited") return t("programme.edit.source.edited", { by: day.edited_by, at: dateTime(day.edited_at) })
    + (day.reason ? ` — ${day.reason}` : "");
  return t(`programme.edit.source.${day.source}`);
}

function show(day) {
  opened = day;
  pending = null;
  clearErrors(form);
  form.hidden = false;
  form.dataset.date = day.date;
  $("[data-programme-day-title]").textContent = day.date === "daily" ? t("programme.daily") : day.date;
  $("[data-programme-source]").textContent = sourceText(day);
  $("[data-programme-reset]").hidden = day.source !== "edited";
  $("[data-programme-reason]").value = "";
  drawMeetings(day.meetings);
}

// Open one date (YYYY-MM-DD) or the daily template.
async function open(date) {
  setFormError(form, "");
  $("[data-programme-done]").hidden = true;
  if (date === "daily") {
    const listed = await get("/api/v1/programme");
    show(listed.template || { date: "daily", source: "none", meetings: [] });
    return;
  }
  const listed = await get("/api/v1/programme", { from: date, to: date });
  show(listed.days[0]);
}

function done(text) {
  const el = $("[data-programme-done]");
  el.textContent = text;
  el.hidden = false;
}

// Send a change; keep the key while the same body is retried after a network error.
async function send(path, body, doneText) {
  const text = JSON.stringify([path, body]);
  if (!pending || pending.body !== text) pending = { body: text, key: newKey() };
  const buttons = form.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    await post(path, body, { idempotencyKey: pending.key });
    pending = null;
    await open(opened.date);
    done(doneText);
  } catch (err) {
    if (!err.retryable) pending = null;
    showApiError(form, err);
    const first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
    else setFormError(form, errorText(err));
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function save(e) {
  e.preventDefault();
  $("[data-programme-done]").hidden = true;
  const reason = $("[data-programme-reason]").value.trim();
  send("/api/v1/programme/days", { date: opened.date, meetings: meetingsFromForm(), reason: reason || null },
    t("programme.edit.saved"));
}

function reset() {
  const day = opened.date === "daily" ? t("programme.daily") : opened.date;
  if (!window.confirm(t("programme.edit.confirm_reset", { day }))) return;
  const reason = $("[data-programme-reason]").value.trim();
  send(`/api/v1/programme/days/${encodeURIComponent(opened.date)}/reset`, reason ? { reason } : {},
    t("programme.edit.reset_done"));
}

function bind() {
  $("[data-programme-pick]").addEventListener("submit", (e) => {
    e.preventDefault();
    const date = $("[data-programme-date]").value;
    if (date) open(date).catch((err) => setFormError(form, errorText(err)));
  });
  $("[data-programme-template]").addEventListener("click", () => open("daily"));
  $("[data-programme-add]").addEventListener("click", () => {
    const meetings = meetingsFromForm();
    drawMeetings([...meetings, { id: `meeting${meetings.length + 1}`, zones: [], check_before_min: 60 }]);
    form.querySelector(".programme-meeting:last-of-type input")?.focus();
  });
  $("[data-programme-meetings]").addEventListener("click", (e) => {
    const i = e.target.closest("[data-remove]")?.dataset.remove;
    if (i == null) return;
    drawMeetings(meetingsFromForm().filter((_, k) => k !== Number(i)));
  });
  form.addEventListener("submit", save);
  $("[data-programme-reset]").addEventListener("click", reset);
}

async function start() {
  index = venueIndex(await loadVenue());
  bind();
  const listed = await get("/api/v1/programme");
  const today = listed.days[0]?.date;
  $("[data-programme-date]").value = today || "";
  $("[data-programme-date]").min = today || "";
  $("[data-programme-template]").hidden = false;
  if (listed.days[0]) show(listed.days[0]);
  root.dataset.loaded = "true";
}

if (root) start();
