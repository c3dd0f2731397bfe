// Fitting the wall's columns to the screen (1920×1080, no scrolling): the panels share each
// column's height by the budgets in control.css; here each list that still does not fit hides its
// last rows (the least urgent: every list is drawn most urgent first) and says how many in its
// "+N more" — never cut silently. A list is marked in its template:
//   <ol data-fit="NAME" data-fit-key="message.key">  and its note  <small data-fit-more="NAME">
// A list drawn short of its rows (a cap on what is built) says how many in data-fit-extra.
// A panel too tall for its share may have a compact form: [data-fit-compact] sections switch to it
// (data-compact="true", see control.css) when their full form overflows.
import { t } from "../i18n.js";

// Return the lowest y a list's rows may reach: its panel's inner bottom edge.
function limitOf(list) {
  const panel = list.closest("section") || list.parentElement;
  return panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom);
}

// Return a list's rows that end below its panel: from the first that does, to the last.
function overflowing(list) {
  const limit = limitOf(list);
  const rows = [...list.children];
  const first = rows.findIndex((li) => li.getBoundingClientRect().bottom > limit + 1);
  return first < 0 ? [] : rows.slice(first);
}

// Hide the rows given and say in the list's note how many are left out (with those never built).
function leaveOut(list, rows, root) {
  for (const li of rows) li.hidden = true;
  const left = rows.length + (parseInt(list.dataset.fitExtra || "0", 10) || 0);
  list.dataset.fitHidden = String(left);
  const note = root.querySelector(`[data-fit-more="${list.dataset.fit}"]`);
  if (note) note.textContent = left ? t(list.dataset.fitKey || "control.more", { n: left }) : "";
}

// Hide a list's rows that end below its panel and say how many are left out.
export function fitList(list, root = document) {
  leaveOut(list, overflowing(list), root);
}

// Tell whether a panel's content runs past its box (it is shrunk by its column).
function overflows(panel) {
  return panel.scrollHeight > panel.clientHeight + 1;
}

// Fit every column of the wall: show every row again, let panels that overflow take their compact
// form, then hide and count what still does not fit. Every list is measured before any row is
// hidden (one layout, not one per list): hiding rows only frees height, which the growing panels
// take, so no row shown is pushed out of its panel by it.
export function fitColumns(root) {
  const lists = [...root.querySelectorAll("[data-fit]")];
  for (const list of lists) for (const li of list.children) li.hidden = false;
  for (const panel of root.querySelectorAll("[data-fit-compact]")) {
    panel.dataset.compact = "false";
    if (!panel.hidden && overflows(panel)) panel.dataset.compact = "true";
  }
  const cuts = lists.map((list) => (list.getClientRects().length ? overflowing(list) : []));
  lists.forEach((list, i) => leaveOut(list, cuts[i], root));
  // Hiding rows and writing the notes moves things (a panel's heading gets shorter or longer, a
  // shrunk panel settles at its floor): give back, most urgent first, each row that fits now.
  lists.forEach((list, i) => refill(list, cuts[i], root));
  // A row given back may have grown its panel at a neighbour's expense: hide what now spills over.
  for (const list of lists) {
    const spilled = list.getClientRects().length ? overflowing(list).filter((li) => !li.hidden) : [];
    if (spilled.length) leaveOut(list, [...spilled, ...[...list.children].filter((li) => li.hidden)], root);
  }
}

// Tell whether a list's column (the wall's .c-side) runs past its box: a row given back may grow
// its panel, which then takes height the other panels, at their floors, cannot give.
function columnOverflows(list) {
  const column = list.closest(".c-side");
  return Boolean(column) && column.scrollHeight > column.clientHeight + 1;
}

// Show again the hidden rows that fit after the first pass, in order; recount the rest.
function refill(list, hidden, root) {
  let shown = 0;
  for (const li of hidden) {
    li.hidden = false;
    if (li.getBoundingClientRect().bottom > limitOf(list) + 1 || columnOverflows(list)) {
      li.hidden = true;
      break;
    }
    shown += 1;
  }
  if (shown) leaveOut(list, hidden.slice(shown), root);
}
