// The visitors desk: who is on site (search, check-out), today's expected list, CSV import.
import { csrfToken, get, newKey, post } from "./api.js";
import { errorText, h, loadVenue, venueIndex } from "./common.js";
import { dateTime, t, timeHM } from "./i18n.js";

const root = document.querySelector("[data-visitors-desk]");
const $ = (sel) => root.querySelector(sel);
const lang = document.documentElement.lang || "zh-CN";
let index = { label: (id) => id };
let searches = 0; // the latest search wins: an older answer arriving late is dropped

// Fill a table body with rows, or say why it is empty.
function fill(tbody, statusEl, rows, emptyText) {
  tbody.replaceChildren(...rows);
  statusEl.textContent = rows.length ? "" : emptyText;
  statusEl.hidden = rows.length > 0;
}

// Return the on-site row of one visitor, with its check-out button.
function visitorRow(v) {
  const flags = [v.expected ? h("span", { class: "vd-flag expected" }, t("desk.flag_expected")) : null];
  return h("tr", { dataset: { visitor: v.visitor_id } },
    h("td", {}, v.name, ...flags), h("td", { class: "mono" }, v.id_masked), h("td", {}, v.organization || ""),
    h("td", { class: "nowrap" }, v.host || ""), h("td", { class: "mono" }, v.phone || ""),
    h("td", {}, index.label(v.entrance_id)),
    h("td", { class: "mono", title: dateTime(v.registered_at) }, timeHM(v.registered_at)),
    h("td", {}, h("button", { type: "button", dataset: { checkout: v.visitor_id, entrance: v.entrance_id } },
      t("desk.checkout"))));
}

// Load the on-site list for the search box's text.
async function loadOnSite() {
  const q = new FormData($("[data-search]")).get("q")?.toString().trim();
  const error = $("[data-onsite-error]");
  error.hidden = true;
  const mine = ++searches;
  try {
    const { visitors } = await get("/api/v1/visitors", { on_site: "true", q });
    if (mine !== searches) return;
    fill($("[data-onsite-rows]"), $("[data-onsite-status]"), visitors.map(visitorRow),
      q ? t("desk.no_match") : t("desk.nobody"));
    if (!q) $("[data-onsite-count]").textContent = String(visitors.length);
  } catch (err) {
    error.textContent = errorText(err);
    error.hidden = false;
  }
}

// Check a visitor out through the chosen gate (or the one they came in by).
async function checkout(button) {
  const gate = $("[data-exit]").value || button.dataset.entrance;
  button.disabled = true;
  try {
    await post(`/api/v1/visitors/${encodeURIComponent(button.dataset.checkout)}/checkout`, { entrance_id: gate });
  } catch (err) {
    if (err.status !== 409) { // 409: someone checked them out meanwhile; the reload shows it
      const error = $("[data-onsite-error]");
      error.textContent = errorText(err);
      error.hidden = false;
      button.disabled = false;
      return;
    }
  }
  await Promise.all([loadOnSite(), loadExpected()]);
}

// Return one expected row: arrived (and when) or not yet.
function expectedRow(r) {
  const state = r.arrived
    ? h("span", { class: "tag on" }, t("desk.arrived", { time: timeHM(r.arrived_at) }))
    : h("span", { class: "tag wait" }, t("desk.not_yet"));
  return h("tr", { dataset: { expected: r.expected_id, arrived: String(r.arrived) } },
    h("td", {}, r.name, h("div", { class: "mono muted" }, r.id_masked)), h("td", {}, r.organization || ""),
    h("td", {}, r.host || ""), h("td", {}, state));
}

// Load the expected list of the chosen day (today when none is chosen).
async function loadExpected() {
  const input = $("[data-expected-date]");
  try {
    const answer = await get("/api/v1/visitors/expected", { date: input.value });
    if (!input.value) input.value = answer.date;
    $("[data-expected-counts]").textContent = t("desk.expected_counts",
      { arrived: answer.arrived, expected: answer.expected });
    fill($("[data-expected-rows]"), $("[data-expected-status]"), answer.rows.map(expectedRow), t("desk.no_expected"));
  } catch (err) {
    $("[data-expected-status]").textContent = errorText(err);
    $("[data-expected-status]").hidden = false;
  }
}

// Return a problem's column as the file's header named it ("姓名"), or "whole file".
function columnName(problem) {
  if (problem.column) return problem.column;
  return problem.field === "file" ? t("desk.whole_file") : problem.field;
}

// Show the import's outcome: the counts, or every rejected row with its reason.
function showImport(ok, body) {
  const report = $("[data-import-report]");
  $("[data-import-ok]").hidden = !ok;
  report.hidden = ok;
  if (ok) {
    $("[data-import-ok]").textContent = t("desk.imported", { n: body.imported });
    return;
  }
  $("[data-import-error]").textContent = body?.error?.message || t("error.generic", { message: "" });
  const pick = (reason) => (lang.startsWith("zh") ? reason.zh : reason.en);
  $("[data-import-rows]").replaceChildren(...(body?.rejected || []).map((p) => h("tr", {},
    h("td", { class: "mono" }, String(p.line)), h("td", { class: "nowrap" }, columnName(p)), h("td", {}, pick(p.reason)))));
}

// Upload the chosen CSV as multipart (one Idempotency-Key per attempt).
async function upload(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const file = $("[data-import-file]").files[0];
  if (!file) return;
  const data = new FormData();
  data.append("file", file);
  form.querySelector("button").disabled = true;
  try {
    const res = await fetch("/api/v1/visitors/expected/import", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "Idempotency-Key": newKey(), "Accept-Language": lang,
        Accept: "application/json" },
    });
    const body = await res.json().catch(() => null);
    showImport(res.ok, body);
    if (res.ok) {
      form.reset();
      await loadExpected();
    }
  } catch (err) {
    showImport(false, { error: { message: errorText({ status: 0 }) } });
  } finally {
    form.querySelector("button").disabled = false;
  }
}

$("[data-search]").addEventListener("submit", (e) => { e.preventDefault(); loadOnSite(); });
$("[data-search] input[name=q]").addEventListener("input", () => loadOnSite());
$("[data-expected-form]").addEventListener("submit", (e) => { e.preventDefault(); loadExpected(); });
$("[data-import-form]").addEventListener("submit", upload);
$("[data-onsite-rows]").addEventListener("click", (e) => {
  const button = e.target.closest("[data-checkout]");
  if (button) checkout(button);
});

loadVenue().then((venue) => { index = venueIndex(venue); }).catch(() => {}).finally(() => {
  loadOnSite();
  loadExpected();
});
