// Visitors on the wall: counts per entrance and a short list of who is inside, newest first,
// drawn from the sections.visitors rows (and vehicles_on_site's counts per gate). Operators may
// search it; a display gets masked names from the server and no search box.
import { h } from "../common.js";
import { t, timeHM } from "../i18n.js";
import { touches } from "../store.js";
import { fitColumns } from "./fit.js";

export const name = "visitors";
const LIST_MAX = 30; // rows built at most; those the panel cannot show are counted (control/fit.js)

let query = "";

// Tell whether a visitor row matches the search (name, organization, host, plate, last four).
function matches(v, q) {
  if (!q) return true;
  const texts = [v.name, v.organization, v.host, v.plate].map((x) => String(x || "").toLowerCase());
  return texts.some((x) => x.includes(q)) || (q.length === 4 && String(v.id_masked || "").slice(-4).toLowerCase() === q);
}

// Bind the search box (operators only; the template leaves it out for a display).
export function mount(screen) {
  const box = screen.root.querySelector("[data-visitors-q]");
  box?.addEventListener("input", () => {
    query = box.value.trim().toLowerCase();
    render(screen, null);
    fitColumns(screen.root);
  });
}

// Redraw when visitors or vehicles on site changed (or on a full redraw).
export function render(screen, changed) {
  if (!touches(changed, ["visitors", "vehicles_on_site"])) return;
  const root = screen.root.querySelector("[data-visitors-panel]");
  if (!root) return;
  const onSite = screen.store.rows("visitors");
  const counts = new Map();
  for (const v of onSite) counts.set(v.entrance_id, (counts.get(v.entrance_id) || 0) + 1);
  root.querySelector("[data-visitors-total]").textContent = String(onSite.length);
  const entrances = [...(screen.index?.entrances.keys() || [])];
  for (const id of counts.keys()) if (!entrances.includes(id)) entrances.push(id);
  // Vehicles on site by the gate they came in through.
  const cars = Object.fromEntries(screen.store.rows("vehicles_on_site").map((e) => [e.entrance_id, e.count]));
  root.querySelector("[data-visitors-entrances]").replaceChildren(...entrances.map((id) => h("li",
    { "data-entrance": id, "data-hot": counts.get(id) ? "true" : "false" },
    h("b", { class: "c-vent-id" }, id), h("span", { class: "c-vent-n", "data-entrance-count": id }, String(counts.get(id) || 0)),
    cars[id] ? h("small", { class: "c-vent-car", "data-entrance-vehicles": id }, t("control.vehicles_at", { n: cars[id] })) : null)));
  const rows = onSite.filter((v) => matches(v, query))
    .sort((a, b) => String(b.registered_at).localeCompare(String(a.registered_at)));
  const list = root.querySelector("[data-visitors-list]");
  list.dataset.fitExtra = String(Math.max(0, rows.length - LIST_MAX));
  list.replaceChildren(...rows.slice(0, LIST_MAX).map((v) => h("li",
    { "data-visitor": v.visitor_id },
    h("span", { class: "c-vname" }, v.name || ""),
    h("span", { class: "c-vorg" }, [v.organization, v.host].filter(Boolean).join(" · ")),
    h("span", { class: "c-vwhere" }, `${v.entrance_id} ${timeHM(v.registered_at)}`))));
  root.querySelector("[data-visitors-none]").hidden = rows.length > 0;
}
