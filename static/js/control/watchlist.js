// Watchlist alerts on the wall: each watchlist alert gets its match (exact / possible), who
// matched whom for staff, and, for an operator, Confirm / Not them on a possible match.
// A display sees the tag and the visitor as its sections show them (张*), no buttons.
// Drawn from sections.alerts, sections.watchlist_hits (staff only) and sections.visitors.
import { post } from "../api.js";
import { errorText, h } from "../common.js";
import { t } from "../i18n.js";
import { touches } from "../store.js";

// Return the line naming the visitor and the entry (staff only know the entry). A person
// refused at the gate is on no section's rows: their alert names nobody.
function detail(screen, alert) {
  const hit = screen.store.row("watchlist_hits", alert.visitor_id);
  const visitor = screen.store.row("visitors", alert.visitor_id)?.name;
  if (!hit || !visitor) return visitor || "";
  return t("watchlist.hit_detail", { visitor, entry: hit.entry_name || hit.reason, on: t(`watchlist.matched_on.${hit.matched_on}`) });
}

// Return the decision buttons of an open possible match (operators and up), else null.
function buttons(screen, alert) {
  const hit = screen.store.row("watchlist_hits", alert.visitor_id);
  if (!screen.canAck || !hit || hit.match !== "possible" || hit.status !== "open") return null;
  return h("span", { class: "c-watch-buttons" },
    h("button", { type: "button", class: "c-ack", "data-watch-decide": "confirm", "data-visitor": alert.visitor_id },
      t("watchlist.confirm")),
    h("button", { type: "button", class: "c-ack c-dismiss", "data-watch-decide": "dismiss", "data-visitor": alert.visitor_id },
      t("watchlist.dismiss")));
}

// Record a decision; the live patches that follow redraw the alert list.
async function decide(screen, btn) {
  const group = btn.parentElement;
  for (const b of group.querySelectorAll("button")) b.disabled = true;
  btn.textContent = t("watchlist.deciding");
  try {
    await post(`/api/v1/visitors/${encodeURIComponent(btn.dataset.visitor)}/watchlist-hit/${btn.dataset.watchDecide}`, {});
    group.remove();
  } catch (err) {
    for (const b of group.querySelectorAll("button")) b.disabled = false;
    btn.textContent = t(`watchlist.${btn.dataset.watchDecide}`);
    btn.title = errorText(err);
  }
}

// Listen for the decision buttons.
export function mount(screen) {
  screen.root.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-watch-decide]");
    if (btn && screen.canAck) decide(screen, btn);
  });
}

// Add the watchlist details to every watchlist alert drawn by the alerts list.
export function render(screen, changed) {
  if (!touches(changed, ["alerts", "watchlist_hits", "visitors"])) return;
  for (const li of screen.root.querySelectorAll('[data-alerts] li[data-kind^="watchlist_"]')) {
    const alert = screen.store.row("alerts", li.dataset.alert);
    if (!alert) continue;
    li.querySelector(".c-watch")?.remove();
    const actions = buttons(screen, alert);
    if (actions) li.querySelector("[data-ack]")?.remove(); // the decision acknowledges the alert
    li.dataset.match = alert.match || "";
    li.append(h("div", { class: "c-watch" },
      h("span", { class: `c-watch-tag ${alert.match}` }, t(`watchlist.match.${alert.match}`)),
      h("span", { class: "c-watch-detail" }, detail(screen, alert)),
      actions));
  }
}
