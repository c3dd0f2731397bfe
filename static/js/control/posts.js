// Posts on the wall: each post needing guards now (or with someone on it), who is there since
// when, and whether it is short — drawn from the sections.posts rows. Short and unstaffed posts
// come first and carry a sign and a word, so no one reads the state from colour alone.
import { h } from "../common.js";
import { loc, t, timeHM } from "../i18n.js";
import { personName } from "../people.js";
import { touches } from "../store.js";

export const name = "posts";
const ORDER = { unstaffed: 0, short: 1, staffed: 2, not_needed: 3 };
const MARK = { unstaffed: "✕", short: "⚠", staffed: "✓", not_needed: "·" };

// Return one guard on duty as the wall shows them: name (as the server shaped it) and since when.
function guardLine(g) {
  return [personName(g.username), timeHM(g.since)].filter(Boolean).join(" ");
}

// Redraw when the posts changed (or on a full redraw).
export function render(screen, changed) {
  if (!touches(changed, ["posts"])) return;
  const root = screen.root.querySelector("[data-posts-panel]");
  if (!root) return;
  const rows = screen.store.rows("posts").filter((p) => p.needed > 0 || p.on_duty.length > 0)
    .sort((a, b) => ORDER[a.staffing] - ORDER[b.staffing]);
  root.hidden = rows.length === 0;
  const short = rows.filter((p) => p.staffing === "short" || p.staffing === "unstaffed").length;
  root.querySelector("[data-posts-sum]").textContent = short ? t("posts.short_count", { n: short }) : t("posts.all_staffed");
  root.dataset.short = short ? "true" : "false";
  root.querySelector("[data-posts-list]").replaceChildren(...rows.map((p) => h("li",
    { "data-post": p.post_id, "data-staffing": p.staffing },
    h("span", { class: "c-post-mark", "aria-hidden": "true" }, MARK[p.staffing]),
    h("b", { class: "c-post-name" }, loc(p.name) || p.post_id),
    h("span", { class: "c-post-count" }, t(`posts.staffing.${p.staffing}`, { n: p.on_duty.length, needed: p.needed })),
    h("span", { class: "c-post-who" }, p.on_duty.map(guardLine).join(" · ")))));
}
