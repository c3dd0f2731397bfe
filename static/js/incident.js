// An incident's record on the command desk: each action form posts to the API and shows the
// API's field errors inline; the record redraws in place after an action, and when someone
// else acts on this incident (live), without a page reload.
import { post } from "./api.js";
import { clearErrors, h, showApiError } from "./common.js";
import { t } from "./i18n.js";
import { Live } from "./live.js";

const root = document.querySelector("[data-incident]");
const id = root.dataset.incident;
let refreshing = null;

// Return the action's body from a form: its action plus every field that was filled in.
export function actionBody(form) {
  const body = { action: form.dataset.incidentAction };
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    if (!text) continue;
    body[name] = name === "step" ? Number(text) : text;
  }
  return body;
}

// Fetch the record again and swap it in.
async function redraw() {
  const res = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
  if (!res.ok) {
    location.reload();
    return;
  }
  const fresh = new DOMParser().parseFromString(await res.text(), "text/html").querySelector("[data-incident]");
  if (!fresh) return;
  root.replaceChildren(...fresh.childNodes);
  root.dataset.status = fresh.dataset.status;
  bind();
}

// Redraw once, however many events ask for it meanwhile.
function refresh() {
  refreshing = refreshing || redraw().finally(() => { refreshing = null; });
  return refreshing;
}

// Send one action; on success redraw the record (history, checklist and buttons all change).
async function act(form) {
  const button = form.querySelector("button[type=submit]");
  clearErrors(form);
  button.disabled = true;
  const label = button.textContent;
  button.textContent = t("incidents.sending");
  try {
    await post(`/api/v1/incidents/${encodeURIComponent(id)}/actions`, actionBody(form));
    await refresh();
  } catch (err) {
    showApiError(form, err);
    button.disabled = false;
    button.textContent = label;
  }
}

// Bind the forms and the print button of the record as drawn now.
function bind() {
  for (const form of root.querySelectorAll("form[data-incident-action]")) {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(form);
    });
  }
  root.querySelector("[data-print]")?.addEventListener("click", () => window.print());
  // The actions post JSON: their buttons stay disabled until this module has bound them.
  for (const button of root.querySelectorAll("[data-needs-script]")) button.disabled = false;
}

// Tell whether an event changes this record (a duplicate names it as the original too).
function concerns(env) {
  const d = env.data || {};
  return String(env.type).startsWith("incident.") && (d.incident_id === id || d.of === id);
}

// Tell whether the viewer is typing into one of the forms (a redraw would wipe it).
function typing() {
  return [...root.querySelectorAll("form textarea, form input:not([type=hidden])")].some((el) => el.value.trim());
}

// Redraw for someone else's action, or say so when that would wipe what the viewer is typing.
function changedElsewhere() {
  if (!typing()) {
    refresh();
    return;
  }
  if (root.querySelector("[data-stale]")) return;
  root.prepend(h("p", { class: "notice warn no-print", "data-stale": "", role: "status" }, t("incidents.changed"), " ",
    h("button", { type: "button", onclick: () => refresh() }, t("incidents.refresh"))));
}

bind();
new Live({
  onEvent(env) {
    if (concerns(env)) changedElsewhere();
  },
  onState({ state }) {
    root.dataset.live = state; // connecting, live, stale… (tests wait for "live")
  },
  onAuthLost() {
    location.assign(`/login?expired=1&next=${encodeURIComponent(location.pathname)}`);
  },
}).start();
