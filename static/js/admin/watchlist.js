// The watchlist on /admin (commanders and admins): the list (ID numbers masked by the server),
// an add form checked while typing, removal after an inline confirmation.
import { api, get, post } from "../api.js";
import { clearErrors, errorText, h, setFieldError, showApiError } from "../common.js";
import { dateTime, t } from "../i18n.js";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKED = new Set(["resident_id", "foreign_permanent_resident"]);

// Return an ID number as the server reads it: half width, no spaces, upper case.
function normaliseId(value) {
  return value.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

// Return why an 18-character number with a GB 11643 check character is wrong, or "".
function idProblem(type, raw) {
  const value = normaliseId(raw);
  if (!value) return "";
  if (!type) return t("watchlist.id_type_first");
  if (!CHECKED.has(type) || (type === "foreign_permanent_resident" && /^[A-Z]{3}\d{12}$/.test(value))) return "";
  if (!/^\d{17}[\dX]$/.test(value) || (type === "foreign_permanent_resident" && value[0] !== "9")) {
    return t("watchlist.id_format");
  }
  const sum = [...value.slice(0, 17)].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i], 0);
  return "10X98765432"[sum % 11] === value[17] ? "" : t("watchlist.id_check");
}

// Return the aliases typed into one field: separated by commas, 、 or ；.
function aliasesOf(text) {
  return text.split(/[,，、;；]/).map((a) => a.trim()).filter(Boolean);
}

// Check the form; show errors for touched fields (or all, on submit); return whether it is valid.
function validate(form, all) {
  const f = form.elements;
  const errors = {};
  if (!f.name.value.trim() && !normaliseId(f.id_number.value) && !f.plate.value.trim()) {
    errors.name = t("watchlist.needs_one");
  }
  const id = idProblem(f.id_type.value, f.id_number.value);
  if (id) errors.id_number = id;
  if (f.id_type.value && !normaliseId(f.id_number.value)) errors.id_number = t("watchlist.id_missing");
  if (!f.reason.value.trim()) errors.reason = t("form.required");
  for (const name of ["name", "id_number", "reason"]) {
    if (all || form.querySelector(`[name="${name}"]`).dataset.touched || !errors[name]) {
      setFieldError(form, name, errors[name] || "");
    }
  }
  return Object.keys(errors).length === 0;
}

function entryRow(e) {
  const doc = e.id_masked ? `${t(`watchlist.id_type.${e.id_type}`)} ${e.id_masked}` : "—";
  return h("tr", { "data-entry": e.entry_id, "data-action": e.action },
    h("td", {}, e.name || "—", e.aliases?.length ? h("small", { class: "muted watch-sub" }, e.aliases.join("、")) : null),
    h("td", { class: "nowrap mono" }, doc),
    h("td", { class: "nowrap" }, e.plate || "—"),
    h("td", {}, h("span", { class: `tag ${e.action}` }, t(`watchlist.tag.${e.action}`))),
    h("td", {}, e.reason),
    h("td", { class: "nowrap" }, e.added_by, h("small", { class: "muted watch-sub" }, dateTime(e.added_at))),
    h("td", {}, h("div", { class: "row-actions" },
      h("button", { type: "button", "data-remove": e.entry_id }, t("watchlist.remove")))));
}

// Mount the watchlist section (does nothing when the page has none).
export function mountWatchlist(section) {
  if (!section) return;
  const $ = (sel) => section.querySelector(sel);
  const tbody = $("[data-watch-entries]");
  const form = $("[data-watch-form]");
  const flash = $("[data-watch-flash]");
  const listError = $("[data-watch-error]");
  const say = (text) => { flash.textContent = text; flash.hidden = !text; };
  const fail = (err) => { listError.textContent = errorText(err); listError.hidden = false; };

  async function load() {
    try {
      const { entries = [] } = await get("/api/v1/watchlist");
      listError.hidden = true;
      tbody.replaceChildren(...entries.map(entryRow));
      $("[data-watch-empty]").hidden = entries.length > 0;
      $("[data-watch-count]").textContent = `(${entries.length})`;
    } catch (err) {
      fail(err);
    }
  }

  // Replace a row's remove button by "Remove? Yes / Cancel".
  function askRemove(btn) {
    const cell = btn.parentElement;
    const id = btn.dataset.remove;
    const yes = h("button", { type: "button", class: "danger", "data-remove-yes": id }, t("watchlist.remove_yes"));
    const no = h("button", { type: "button" }, t("admin.cancel"));
    cell.replaceChildren(h("span", { class: "watch-confirm" }, t("watchlist.remove_confirm")), yes, no);
    no.addEventListener("click", () => cell.replaceChildren(btn));
    yes.focus();
  }

  async function remove(btn) {
    btn.disabled = true;
    try {
      await api("DELETE", `/api/v1/watchlist/${encodeURIComponent(btn.dataset.removeYes)}`, { body: {} });
      say(t("watchlist.removed"));
    } catch (err) {
      if (err.status !== 404) fail(err);
    }
    load();
  }

  tbody.addEventListener("click", (e) => {
    const ask = e.target.closest("[data-remove]");
    if (ask) askRemove(ask);
    const yes = e.target.closest("[data-remove-yes]");
    if (yes) remove(yes);
  });
  form.addEventListener("input", (e) => {
    if (e.target.name) e.target.dataset.touched = "1";
    validate(form, false);
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!validate(form, true)) return;
    const f = form.elements;
    const body = { action: f.action.value, reason: f.reason.value.trim(), aliases: aliasesOf(f.aliases.value) };
    if (f.name.value.trim()) body.name = f.name.value.trim();
    if (normaliseId(f.id_number.value)) Object.assign(body, { id_type: f.id_type.value, id_number: f.id_number.value });
    if (f.plate.value.trim()) body.plate = f.plate.value.trim();
    try {
      await post("/api/v1/watchlist", body);
      form.reset();
      for (const el of form.querySelectorAll("[data-touched]")) delete el.dataset.touched;
      say(t("watchlist.added_done"));
      load();
    } catch (err) {
      say("");
      showApiError(form, err);
    }
  });
  load();
}
