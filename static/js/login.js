// Sign-in page: validate, POST /api/v1/auth/login, then go to `next` (or the role's home).
import { ApiError, post, setCsrfToken } from "./api.js";
import { clearErrors, setFieldError, setFormError, errorText } from "./common.js";
import { t } from "./i18n.js";

const form = document.querySelector("[data-login]");
const submit = form.querySelector("[data-submit]");

// Return a same-site path to go to after signing in, or "/".
function nextUrl() {
  const next = form.dataset.next || "";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

// Check the fields and show what is missing; return true when the form may be sent.
function validate() {
  let ok = true;
  for (const name of ["username", "password"]) {
    const empty = !form.elements[name].value.trim();
    const label = form.querySelector(`label[for="${name}"]`).textContent;
    setFieldError(form, name, empty ? t("login.required", { field: label }) : "");
    if (empty) ok = false;
  }
  return ok;
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  clearErrors(form);
  if (!validate()) return;
  submit.disabled = true;
  submit.textContent = t("login.signing_in");
  try {
    const res = await post("/api/v1/auth/login", {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
    });
    setCsrfToken(res.csrf_token);
    location.assign(nextUrl());
    return;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401 || err.status === 400) {
      setFormError(form, t("login.invalid"));
      form.elements.password.value = "";
      form.elements.password.focus();
    } else if (err.status === 429) {
      const secs = err.retryAfter != null ? Math.ceil(err.retryAfter / 1000) : null;
      setFormError(form, secs ? t("login.throttled", { seconds: secs }) : t("login.throttled_later"));
    } else {
      setFormError(form, errorText(err));
    }
  }
  submit.disabled = false;
  submit.textContent = t("login.submit");
});

for (const name of ["username", "password"]) {
  form.elements[name].addEventListener("input", () => setFieldError(form, name, ""));
}
