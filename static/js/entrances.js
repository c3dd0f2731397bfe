// The gate a guard stands at: entrance chips on the gate screens, the last one used remembered
// on the phone (a place, not personal data) so the next form starts there.
import { h } from "./common.js";
import { loc } from "./i18n.js";

const LAST = "gatewatch.gate.entrance";

// Return the entrance this phone used last (or null).
export function lastEntrance() {
  try { return localStorage.getItem(LAST); } catch { return null; }
}

// Remember the entrance for the next form.
export function rememberEntrance(id) {
  try { if (id) localStorage.setItem(LAST, id); } catch { /* private mode: nothing to remember */ }
}

// Return the entrance chosen in form (or "").
export function chosenEntrance(form) {
  return form.querySelector('[name="entrance_id"]:checked')?.value || "";
}

// Draw one chip per entrance into form's [data-entrances] (only those `keep` accepts) and check
// the one used last, else the first; remember the guard's choice.
export function bindEntrances(form, index, keep = () => true) {
  const box = form.querySelector("[data-entrances]");
  const entrances = [...index.entrances.values()].filter(keep);
  const last = lastEntrance();
  const chosen = entrances.some((e) => e.id === last) ? last : entrances[0]?.id;
  box.querySelectorAll("label").forEach((el) => el.remove());
  box.append(...entrances.map((e) => h("label", { class: "g-chip g-entr-chip", "data-entrance": e.id },
    h("input", { type: "radio", name: "entrance_id", value: e.id, checked: e.id === chosen,
      "aria-label": `${e.id} ${loc(e.name)}` }),
    h("span", { "aria-hidden": "true" }, e.id))));
  const caption = () => {
    const el = form.querySelector("[data-entrance-name]");
    if (el) el.textContent = index.label(chosenEntrance(form));
  };
  caption();
  if (!box.dataset.bound) {
    box.dataset.bound = "true";
    box.addEventListener("change", (e) => {
      if (e.target.name !== "entrance_id") return;
      rememberEntrance(e.target.value);
      caption();
    });
  }
}
