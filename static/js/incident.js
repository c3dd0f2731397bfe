// An incident's record on the command desk: each action form posts to the API, shows the
// API's field errors inline, and reloads the record once the action is recorded.
import { post } from "./api.js";
import { clearErrors, showApiError } from "./common.js";
import { t } from "./i18n.js";

const root = document.querySelector("[data-incident]");
const id = root.dataset.incident;

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

// Send one action; on success reload the record (history, checklist and buttons all change).
async function act(form) {
  const button = form.querySelector("button[type=submit]");
  clearErrors(form);
  button.disabled = true;
  const label = button.textContent;
  button.textContent = t("incidents.sending");
  try {
    await post(`/api/v1/incidents/${encodeURIComponent(id)}/actions`, actionBody(form));
    location.reload();
  } catch (err) {
    showApiError(form, err);
    button.disabled = false;
    button.textContent = label;
  }
}

for (const form of root.querySelectorAll("form[data-incident-action]")) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(form);
  });
}
// The actions post JSON: their buttons stay disabled until this module has bound them.
for (const button of root.querySelectorAll("[data-needs-script]")) button.disabled = false;
root.querySelector("[data-print]")?.addEventListener("click", () => window.print());
