// Commander's timeline: filters, newest-first paging with `next`, event details on click.
import { get } from "./api.js";
import { errorText, h, loadVenue, setFieldError, setFormError, venueIndex } from "./common.js";
import { actorName, details, eventLocation, typeName } from "./feed.js";
import { dateTime, localInputToIso, t } from "./i18n.js";
import { addPeople } from "./people.js";

const root = document.querySelector("[data-timeline]");
const form = root.querySelector("[data-filters]");
const rows = root.querySelector("[data-rows]");
const status = root.querySelector("[data-status]");
const olderBtn = root.querySelector("[data-older]");
const firstBtn = root.querySelector("[data-first]");
const detail = root.querySelector("[data-detail]");
const PAGE = 50;
let index = null;
let filters = {};
let pageNo = 1;
let next = null;
let shown = [];

// Read the filter form into API query parameters (times converted to UTC ISO).
function readFilters() {
  const fd = new FormData(form);
  const q = {};
  for (const name of ["type", "location", "actor", "meeting"]) {
    const v = String(fd.get(name) || "").trim();
    if (v) q[name] = v;
  }
  const from = localInputToIso(fd.get("from"));
  const to = localInputToIso(fd.get("to"));
  if (from) q.from = from;
  if (to) q.to = to;
  return q;
}

// Load one page: before = null for the newest page.
async function load(before) {
  status.hidden = false;
  status.textContent = t("timeline.loading");
  olderBtn.disabled = true;
  setFormError(form, "");
  try {
    const res = await get("/api/v1/events", { ...filters, before, limit: PAGE });
    addPeople(res.people); // display names of the actors and assignees on this page
    shown = res.events || [];
    next = res.next || null;
    render();
  } catch (err) {
    for (const [name, message] of Object.entries(err.fields || {})) setFieldError(form, name, message);
    setFormError(form, t("error.load_failed", { message: errorText(err) }));
    status.hidden = true;
  }
}

// Return a link to the incident's record for an incident event, else null.
function incidentLink(env) {
  const id = env.data?.incident_id;
  if (!id || !String(env.type).startsWith("incident.")) return null;
  return h("a", { class: "record-link", href: `/command/incidents/${encodeURIComponent(id)}` }, t("incidents.open_record"));
}

// Return a link that replays the wall from just after this event (commanders and admins), else null.
function replayLink(env) {
  if (root.dataset.canReplay !== "true") return null;
  return h("a", { class: "record-link", href: `/command/replay?at=${encodeURIComponent(env.id)}` }, t("replay.from_here"));
}

function render() {
  rows.replaceChildren(...shown.map((env, i) => {
    const where = eventLocation(env);
    return h("tr", { tabindex: "0", "data-index": String(i), "data-id": env.id, "data-type": env.type },
      h("td", { class: "nowrap" }, dateTime(env.observed_at || env.ts)),
      h("td", {}, typeName(env.type)),
      h("td", {}, where ? index.label(where) : ""),
      h("td", {}, details(env, index), incidentLink(env), replayLink(env)),
      h("td", {}, actorName(env.actor)));
  }));
  status.hidden = shown.length > 0;
  status.textContent = shown.length ? "" : t("timeline.empty");
  olderBtn.disabled = !next;
  firstBtn.disabled = pageNo === 1;
  root.querySelector("[data-page]").textContent = t("timeline.page", { n: pageNo });
}

function showDetail(i) {
  const env = shown[i];
  if (!env) return;
  for (const tr of rows.querySelectorAll("tr[aria-selected]")) tr.removeAttribute("aria-selected");
  rows.querySelector(`tr[data-index="${i}"]`)?.setAttribute("aria-selected", "true");
  detail.textContent = JSON.stringify(env, null, 2);
  detail.hidden = false;
  root.querySelector("[data-detail-hint]").hidden = true;
}

rows.addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-index]");
  if (tr) showDetail(Number(tr.dataset.index));
});
rows.addEventListener("keydown", (e) => {
  const tr = e.target.closest("tr[data-index]");
  if (tr && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showDetail(Number(tr.dataset.index)); }
});

form.addEventListener("submit", (e) => {
  e.preventDefault();
  setFieldError(form, "to", "");
  const q = readFilters();
  if (q.from && q.to && q.from >= q.to) {
    setFieldError(form, "to", t("timeline.bad_range"));
    return;
  }
  filters = q;
  pageNo = 1;
  load(null);
});
form.addEventListener("reset", () => {
  setTimeout(() => form.requestSubmit(), 0);
});
olderBtn.addEventListener("click", () => {
  if (!next) return;
  pageNo += 1;
  load(next);
});
firstBtn.addEventListener("click", () => {
  pageNo = 1;
  load(null);
});

async function start() {
  index = venueIndex(await loadVenue());
  filters = readFilters();
  load(null);
}

start();
