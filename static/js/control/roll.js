// The visitors still on the roll while clearance runs, on the wall's clearance panel: who (as the
// viewer may read them: a display sees 张*), where they registered and when; for operators and up,
// a way to resolve each — "checked out late" (POST .../checkout with left_at: when they left) or
// "left unrecorded" (POST .../left-unrecorded, a fact of its own on the timeline). The row leaves
// the list when the live patch takes the visitor off the roll.
import { newKey, post } from "../api.js";
import { errorText, h } from "../common.js";
import { localInputToIso, t, timeHM, zonedParts } from "../i18n.js";

const SHOWN = 6; // rows built at most; the rest are counted (fit.js: "+N more")
const open = new Map(); // visitor_id -> the row whose form is open (kept across redraws)

// Return the venue-local "YYYY-MM-DDTHH:MM" of an instant (a datetime-local value).
function localInput(ms) {
  const p = zonedParts(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

// Send a resolution once per opened form (the same key on a retry after a network error).
async function send(row, path, body) {
  const button = row.querySelector("[data-resolve-send]");
  const error = row.querySelector("[data-resolve-error]");
  button.disabled = true;
  error.hidden = true;
  try {
    await post(path, body, { idempotencyKey: row.dataset.key });
    row.dataset.resolved = "true";
    open.delete(row.dataset.visitor);
  } catch (err) {
    if (!err.retryable) row.dataset.key = newKey();
    error.hidden = false;
    error.textContent = errorText(err);
    button.disabled = false;
  }
}

function closeForm(row) {
  row.querySelector("[data-resolve-form]")?.remove();
  open.delete(row.dataset.visitor);
}

// Open the form of one way to resolve the visitor in their row.
function openForm(screen, row, visitor, kind) {
  closeForm(row);
  row.dataset.key = newKey();
  const id = `rv-${visitor.visitor_id}`;
  const fields = kind === "late"
    ? [h("label", { for: `${id}-at` }, t("clearance.left_at")),
      // now, rounded up to the minute: the field has no seconds, and a floored minute may lie before
      // the registration of someone who just came in (the server takes a minute ahead as now)
      h("input", { id: `${id}-at`, type: "datetime-local", name: "left_at", value: localInput(Math.ceil(screen.now() / 60000) * 60000), required: "" }),
      h("label", { for: `${id}-exit` }, t("clearance.exit")),
      h("select", { id: `${id}-exit`, name: "exit" }, ...[...screen.index.entrances.keys()].map((e) => {
        const option = h("option", { value: e }, screen.index.label(e));
        option.selected = e === visitor.entrance_id;
        return option;
      }))]
    : [h("label", { for: `${id}-note` }, t("clearance.how_known")),
      h("input", { id: `${id}-note`, name: "note", maxlength: "500" })];
  const form = h("form", { class: "c-resolve", "data-resolve-form": kind }, ...fields,
    h("button", { type: "submit", "data-resolve-send": "" }, t("clearance.resolve_confirm")),
    h("button", { type: "button", "data-resolve-cancel": "" }, t("clearance.cancel")),
    h("p", { class: "c-resolve-error", "data-resolve-error": "", role: "alert", hidden: "" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const base = `/api/v1/visitors/${encodeURIComponent(visitor.visitor_id)}`;
    if (kind === "late") {
      send(row, `${base}/checkout`, { entrance_id: form.exit.value, left_at: localInputToIso(form.left_at.value) });
    } else {
      send(row, `${base}/left-unrecorded`, { note: form.note.value.trim() || null });
    }
  });
  form.querySelector("[data-resolve-cancel]").addEventListener("click", () => closeForm(row));
  row.append(form);
  open.set(visitor.visitor_id, row);
  form.querySelector("input").focus();
}

function visitorRow(screen, v) {
  if (open.has(v.visitor_id)) return open.get(v.visitor_id);
  const where = t("clearance.visitor_where", { entrance: screen.index.label(v.entrance_id), time: timeHM(v.registered_at) });
  const row = h("li", { "data-visitor": v.visitor_id },
    h("span", { class: "c-roll-mark", "aria-hidden": "true" }, "●"),
    h("b", {}, v.name || "—"), h("span", { class: "c-roll-where" }, where));
  if (screen.canAck) {
    const named = (key) => ({ type: "button", "data-resolve": key === "clearance.resolve_late" ? "late" : "unrecorded",
      "aria-label": `${t(key)} — ${v.name || ""}` }); // rows repeat the words: the name tells them apart
    const late = h("button", named("clearance.resolve_late"), t("clearance.resolve_late"));
    const gone = h("button", named("clearance.resolve_unrecorded"), t("clearance.resolve_unrecorded"));
    late.addEventListener("click", () => openForm(screen, row, v, "late"));
    gone.addEventListener("click", () => openForm(screen, row, v, "unrecorded"));
    row.append(h("span", { class: "c-roll-actions" }, late, gone));
  }
  return row;
}

// Draw the visitors on the roll, oldest registration first (they have been inside longest).
export function renderRoll(screen, list) {
  const visitors = screen.store.rows("visitors").sort((a, b) => String(a.registered_at).localeCompare(String(b.registered_at)));
  for (const id of [...open.keys()]) if (!visitors.some((v) => v.visitor_id === id)) open.delete(id);
  list.hidden = visitors.length === 0;
  // Built: at most SHOWN; fit.js hides those the panel has no room for and counts both in the note.
  list.dataset.fitExtra = String(Math.max(0, visitors.length - SHOWN));
  list.replaceChildren(...visitors.slice(0, SHOWN).map((v) => visitorRow(screen, v)));
}
