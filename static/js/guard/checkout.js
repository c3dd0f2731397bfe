// Visitor check-out screen: search the on-site roll by name or the ID's last four, tap a row,
// confirm, and the check-out goes through the outbox (a second check-out: "already checked out").
import { ApiError, get } from "../api.js";
import { h } from "../common.js";
import { t, timeHM } from "../i18n.js";
import { bindEntrances, chosenEntrance, rememberEntrance } from "../entrances.js";

export const name = "checkout";

const SHOWN = 30; // rows drawn at most: a gate rarely has more inside, and search narrows it
let shell = null;
let form = null;
let list = null;
let rows = [];
let choosing = null; // the visitor in the confirm sheet
const leaving = new Set(); // visitor ids whose check-out waits in the outbox
const names = new Map(); // visitor id -> name, in memory only (labels on the phone hold the masked ID)
let searchTimer = null;
let asked = 0; // the newest search, so a slow older answer cannot overwrite it

const $ = (sel) => document.querySelector(sel);

// Fetch the visitors on site matching the search box.
export async function refresh() {
  if (!form || location.hash !== `#${name}`) return; // only while the screen is open
  const ticket = ++asked;
  try {
    const res = await get("/api/v1/visitors", { on_site: "true", q: form.elements.q.value.trim() });
    if (ticket !== asked) return;
    rows = res.visitors || [];
    render();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

// Draw the result rows: big, one tap each.
function render() {
  const shownRows = rows.filter((v) => !leaving.has(v.visitor_id)).slice(0, SHOWN);
  list.replaceChildren(...shownRows.map((v) => h("li", {},
    h("button", { type: "button", class: "g-row", "data-visitor-id": v.visitor_id },
      h("span", { class: "g-row-name" }, v.name),
      h("span", { class: "g-row-id" }, v.id_masked),
      h("span", { class: "g-row-detail" }, [v.organization, v.host].filter(Boolean).join(" · ")),
      h("span", { class: "g-row-when" }, t("checkout.since", {
        time: timeHM(v.registered_at), entrance: v.entrance_id,
      }))))));
  $("[data-checkout-empty]").hidden = shownRows.length > 0;
}

// Open the confirm sheet for one visitor.
function confirmFor(visitor) {
  choosing = visitor;
  const sheet = $("[data-checkout-confirm]");
  sheet.querySelector("[data-confirm-title]").textContent = t("checkout.confirm", { name: visitor.name });
  sheet.querySelector("[data-confirm-detail]").textContent =
    `${visitor.id_masked} · ${shell.labelOf(chosenEntrance(form))}`;
  sheet.hidden = false;
  sheet.querySelector("[data-confirm-do]").focus();
}

function closeSheet() {
  $("[data-checkout-confirm]").hidden = true;
  choosing = null;
}

// Put the check-out in the outbox and take the row off the list.
async function checkOut() {
  const visitor = choosing;
  closeSheet();
  if (!visitor) return;
  const entrance = chosenEntrance(form);
  rememberEntrance(entrance);
  leaving.add(visitor.visitor_id);
  names.set(visitor.visitor_id, visitor.name);
  render();
  await shell.outbox.add(`/api/v1/visitors/${encodeURIComponent(visitor.visitor_id)}/checkout`,
    { entrance_id: entrance },
    { kind: name, visitor_id: visitor.visitor_id, id_masked: visitor.id_masked });
  shell.outbox.flush();
}

// Return how to name the visitor of an outbox item: the name seen here, else the masked ID.
const who = (item) => names.get(item.label?.visitor_id) || item.label?.id_masked || "";

// The server recorded a check-out.
export function sent(item, data) {
  leaving.delete(item.label.visitor_id);
  const v = data.visitor || {};
  shell.toast("ok", t("checkout.done", { name: v.name || who(item), time: timeHM(v.checked_out_at) }), { view: name });
  rows = rows.filter((r) => r.visitor_id !== item.label.visitor_id);
  render();
}

// A check-out waits in the outbox: say so.
export async function held(keys) {
  const mine = (await shell.outbox.waiting()).filter((i) => i.label?.kind === name && keys.includes(i.key));
  if (mine.length) shell.toast("queued", t("checkout.queued", { name: mine.map(who).join("、") }), { view: name });
}

// The server refused: a second check-out is "already checked out"; the rest is said as is.
export function rejected(item, error) {
  leaving.delete(item.label.visitor_id);
  if (error.status === 409) {
    shell.toast("error", t("checkout.already", { name: who(item) }), { view: name });
    rows = rows.filter((r) => r.visitor_id !== item.label.visitor_id);
  } else {
    shell.toast("error", t("guard.rejected", { message: `${who(item)} — ${shell.errorText(error)}` }), { view: name });
  }
  render();
  refresh();
}

// Tell whether a refusal settles the check-out (the visitor already left): nothing to keep.
export const settles = (item, error) => error.status === 409 && error.code !== "busy";

// Describe a waiting check-out in the outbox panel.
export function outboxLine(item) {
  return t("checkout.pending", { id: item.label?.id_masked || "", time: timeHM(item.created_at) });
}

// Someone registered or checked out a visitor: redraw from the server.
export function onEvents(envs) {
  if (envs.some((e) => String(e.type).startsWith("visitor."))) refresh();
}

// Bind the search, the rows and the confirm sheet.
export function mount(s) {
  shell = s;
  form = $("[data-checkout]");
  list = $("[data-checkout-list]");
  bindEntrances(form, shell.index);
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  form.elements.q.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(refresh, 250);
  });
  list.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-visitor-id]");
    const visitor = btn && rows.find((r) => r.visitor_id === btn.dataset.visitorId);
    if (visitor) confirmFor(visitor);
  });
  $("[data-confirm-do]").addEventListener("click", checkOut);
  $("[data-confirm-cancel]").addEventListener("click", closeSheet);
  window.addEventListener("hashchange", () => {
    if (location.hash === `#${name}`) {
      bindEntrances(form, shell.index); // the entrance the visitor form used last
      refresh();
    }
  });
}
