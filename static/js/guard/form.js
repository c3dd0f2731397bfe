// What the guard's form screens share: the submit button while sending, the check before sending.
import { setFormError } from "../common.js";
import { t } from "../i18n.js";

// Show a form's submit button as sending (disabled) or ready again under its own label.
export function showSending(form, on, label) {
  const btn = form.querySelector("[data-submit]");
  btn.disabled = on;
  btn.textContent = on ? t("guard.sending") : label;
}

// Clear the form's error and check every field; focus the first wrong one. Tell whether to send.
export function checked(form, validate, firstWrong = () => form.querySelector("[aria-invalid=true]")) {
  setFormError(form, "");
  if (validate(true)) return true;
  firstWrong()?.focus();
  return false;
}
