// User administration: list, create, disable/enable, reset password; API field errors inline.
// The watchlist (commanders too) is its own module; a commander's page has no user section.
import { get, post } from "./api.js";
import { mountWatchlist } from "./admin/watchlist.js";
import { clearErrors, errorText, h, page, setFieldError, setFormError, showApiError } from "./common.js";
import { t } from "./i18n.js";

const root = document.querySelector("[data-admin]");
const tbody = root.querySelector("[data-users]"); // absent for a commander
const createForm = root.querySelector("[data-create]");
const flash = root.querySelector("[data-flash]");
const listError = root.querySelector("[data-list-error]");
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

function say(text) {
  flash.textContent = text;
  flash.hidden = !text;
}

async function loadUsers() {
  try {
    const res = await get("/api/v1/users");
    listError.hidden = true;
    render(res.users || []);
  } catch (err) {
    listError.textContent = t("error.load_failed", { message: errorText(err) });
    listError.hidden = false;
  }
}

function render(users) {
  tbody.replaceChildren(...users.map((u) => {
    const me = u.username === page.username;
    return h("tr", { "data-user": u.username, "data-disabled": u.disabled ? "true" : "false" },
      h("td", {}, u.username, me ? h("small", { class: "muted" }, ` ${t("admin.you")}`) : null),
      h("td", {}, u.display_name || ""),
      h("td", {}, t(`role.${u.role}`)),
      h("td", {}, h("span", { class: u.disabled ? "tag off" : "tag on" }, t(u.disabled ? "user.disabled" : "user.active"))),
      h("td", { class: "row-actions" },
        me ? null : h("button", { type: "button", "data-action": u.disabled ? "enable" : "disable" },
          t(u.disabled ? "admin.enable" : "admin.disable")),
        h("button", { type: "button", "data-action": "password" }, t("admin.reset_password"))));
  }));
}

async function toggle(username, action) {
  try {
    await post(`/api/v1/users/${encodeURIComponent(username)}/${action}`, {});
    say(t(action === "disable" ? "admin.disabled_done" : "admin.enabled_done", { username }));
  } catch (err) {
    say("");
    listError.textContent = errorText(err);
    listError.hidden = false;
  }
  loadUsers();
}

// Open the inline reset-password form under a user's row.
function openPasswordForm(tr) {
  const username = tr.dataset.user;
  tbody.querySelector("tr.password-row")?.remove();
  const form = root.querySelector("template[data-password-form]").content.firstElementChild.cloneNode(true);
  const row = h("tr", { class: "password-row" }, h("td", { colspan: "5" }, form));
  tr.after(row);
  form.elements.password.focus();
  form.querySelector("[data-cancel]").addEventListener("click", () => row.remove());
  form.addEventListener("input", () => checkConfirm(form, false));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!checkConfirm(form, true)) return;
    try {
      await post(`/api/v1/users/${encodeURIComponent(username)}/password`, { password: form.elements.password.value });
      row.remove();
      say(t("admin.password_done", { username }));
    } catch (err) {
      showApiError(form, err);
    }
  });
}

// Check that password and its confirmation are given and equal; show errors when asked.
function checkConfirm(form, showAll) {
  const pw = form.elements.password.value;
  const again = form.elements.password_confirm.value;
  let ok = true;
  if (!pw) { ok = false; if (showAll) setFieldError(form, "password", t("form.required")); }
  if (pw && again && pw !== again) {
    ok = false;
    setFieldError(form, "password_confirm", t("form.password_mismatch"));
  } else if (!again) {
    ok = false;
    if (showAll) setFieldError(form, "password_confirm", t("form.required"));
  } else {
    setFieldError(form, "password_confirm", "");
  }
  return ok;
}

mountWatchlist(document.querySelector("[data-watchlist]"));
if (tbody) bindUsers();

// Wire the user table and the new-user form (admins only).
function bindUsers() {
  tbody.addEventListener("click", (e) => {
    const btn = e.target.closest("button[data-action]");
    if (!btn) return;
    const tr = btn.closest("tr[data-user]");
    if (btn.dataset.action === "password") openPasswordForm(tr);
    else toggle(tr.dataset.user, btn.dataset.action);
  });

  createForm.addEventListener("input", (e) => {
    const name = e.target.name;
    if (name === "username") {
      const v = e.target.value.trim();
      setFieldError(createForm, "username", v && !USERNAME.test(v) ? t("form.username_format") : "");
    } else if (name === "password" || name === "password_confirm") {
      checkConfirm(createForm, false);
    } else if (name) {
      setFieldError(createForm, name, "");
    }
  });

  createForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(createForm);
    const f = createForm.elements;
    let ok = checkConfirm(createForm, true);
    for (const name of ["username", "display_name"]) {
      if (!f[name].value.trim()) { setFieldError(createForm, name, t("form.required")); ok = false; }
    }
    if (f.username.value.trim() && !USERNAME.test(f.username.value.trim())) {
      setFieldError(createForm, "username", t("form.username_format"));
      ok = false;
    }
    if (!ok) return;
    const username = f.username.value.trim();
    try {
      await post("/api/v1/users", {
        username, display_name: f.display_name.value.trim(), role: f.role.value, password: f.password.value,
      });
      createForm.reset();
      say(t("admin.created", { username }));
      loadUsers();
    } catch (err) {
      say("");
      showApiError(createForm, err);
    }
  });

  loadUsers();
}
