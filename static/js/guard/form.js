// What the guard's form screens share: one way to send a form through the outbox and to show
// what became of it — sending, saved, queued, refused — so every form behaves the same.
// A screen describes its form (validate, build, reset, texts) and exports the handler's
// sent / held / rejected / edit as its own.
import { ApiError } from "../api.js";
import { clearErrors, setFormError } from "../common.js";
import { t } from "../i18n.js";

// Show a form's submit button as sending (disabled) or ready again under its own label.
export function showSending(form, on, label) {
  const btn = form.querySelector("[data-submit]");
  btn.disabled = on;
  btn.textContent = on ? t("guard.sending") : label;
}

// Scroll el into view clear of the sticky header above and the form's sticky panel below.
export function reveal(el) {
  if (!el) return;
  const head = document.querySelector(".g-head")?.offsetHeight || 0;
  const panel = el.closest(".g-bottom") ? null : el.closest("form, section")?.querySelector(".g-bottom");
  const below = panel && getComputedStyle(panel).position === "sticky" ? panel.offsetHeight : 0;
  el.style.scrollMarginTop = `${head + 12}px`;
  el.style.scrollMarginBottom = `${below + 12}px`;
  el.scrollIntoView({ block: "nearest" });
}

// Focus the field of the first error shown in form (a radio group: its first choice) and
// bring that error into view.
export function revealFirstError(form, firstWrong = null) {
  const error = [...form.querySelectorAll("[data-error-for], [data-form-error]")].find((el) => !el.hidden);
  const name = error?.dataset.errorFor;
  const field = firstWrong?.() || (name && form.querySelector(`[name="${CSS.escape(name)}"]`))
    || form.querySelector("[aria-invalid=true]");
  field?.focus({ preventScroll: true });
  reveal(error || field);
}

// Clear the form's error and check every field; show the first wrong one. Tell whether to send.
export function checked(form, validate, firstWrong = null) {
  setFormError(form, "");
  if (validate(true)) return true;
  revealFirstError(form, firstWrong);
  return false;
}

// Show a server refusal on form: field messages under their fields, the rest as the form's error.
export function showRefusal(shell, form, error) {
  if (!shell.placeErrors(form, error)) setFormError(form, shell.errorText(error));
  revealFirstError(form);
}

// Return the submission handler of one form screen. cfg:
//   name, form (element), submitLabel() — the screen and its form;
//   validate(all), firstWrong() — the form's own checks (see checked);
//   build() → {url, body, label, options} — what to queue (label.kind is set here);
//   reset() — empty the form for the next entry;
//   saved(item, data) → text — the confirmation; queued(item) → text (default guard.queued);
//   fill(body, item) — put an entry back into the form so the guard can fix it;
//   onSaved(item, data, mine), onQueued(item), onRefused(item, error, mine) → true when the
//   screen showed the outcome itself (deny screen, done card…).
export function submission(shell, cfg) {
  let pending = null; // the key of the item the form waits for ("adding" while it is stored)
  let fixing = null; // the refused item the form now holds, replaced when sent again
  const { name, form } = cfg;
  const setSending = (on) => showSending(form, on, cfg.submitLabel());
  const free = () => {
    pending = null;
    setSending(false);
  };

  async function submit(e) {
    e?.preventDefault();
    if (pending || !checked(form, cfg.validate, cfg.firstWrong)) return;
    pending = "adding";
    setSending(true);
    shell.hideToast();
    const { url, body, label, options = {} } = await cfg.build();
    const item = await shell.outbox.add(url, body, { ...label, kind: name }, { ...options, replaces: fixing });
    fixing = null;
    pending = item.key;
    shell.outbox.flush();
  }

  // Clear the form and forget which refused item it held.
  function reset() {
    fixing = null;
    clearErrors(form);
    cfg.reset();
  }

  // The server took an entry: free the form when it was this one, confirm it.
  function sent(item, data) {
    const mine = item.key === pending;
    if (mine) {
      free();
      reset();
    }
    if (cfg.onSaved?.(item, data, mine)) return;
    shell.toast("ok", cfg.saved(item, data), { view: name, top: mine });
  }

  // Entries wait in the outbox: free the form, say this one is queued.
  function held(keys) {
    if (!pending || !keys.includes(pending)) return;
    const key = pending;
    free();
    reset();
    if (cfg.onQueued?.({ key })) return;
    shell.toast("queued", cfg.queued?.() || t("guard.queued"), { view: name, top: true });
  }

  // The server refused an entry: the outbox keeps it; while the form still holds it, show why
  // beside the fields so the guard can fix it and send again.
  function rejected(item, error) {
    const mine = item.key === pending;
    if (mine) {
      free();
      fixing = item.key;
    }
    if (cfg.onRefused?.(item, error, mine)) return;
    // Not the form's own: the list of refused entries (always in view) shows it with its reason.
    if (mine) showRefusal(shell, form, error);
  }

  // Open a refused entry in the form, its reason beside the fields, to be fixed and sent again.
  async function edit(item) {
    if (!cfg.fill || pending) return false;
    const body = await shell.outbox.bodyOf(item.key);
    if (!body) return false;
    shell.go(name);
    reset();
    cfg.fill(body, item);
    fixing = item.key;
    if (item.refusal) showRefusal(shell, form, new ApiError(item.refusal));
    return true;
  }

  return { submit, sent, held, rejected, edit, reset, busy: () => Boolean(pending) };
}
