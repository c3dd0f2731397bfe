// The meeting programme: helpers its panels share (the rows are sections.programme "today",
// computed by the server: each meeting's state, the next meeting and the proposed phase).
import { loc, t } from "../i18n.js";

export const types = ["programme.day_set", "programme.day_reset"];

// Return what happened, for the feed line: which day, how many meetings, and the reason.
export function details(env) {
  const d = env.data || {};
  const day = d.date === "daily" ? t("programme.daily") : d.date;
  const what = env.type === "programme.day_reset" ? t("feed.programme.reset", { day })
    : t("feed.programme.set", { day, n: (d.meetings || []).length });
  return d.reason ? `${what} — ${d.reason}` : what;
}

// Return the line saying what comes next and when: "全体会议 09:00 — 安全检查 08:00 起", or
// "全体会议 进行中，至 12:00" while it runs; "" without a programme.
export function nextLine(today) {
  const next = today?.next;
  if (!next) return "";
  const name = loc(next.name);
  if (next.state === "in_session") return t("programme.running", { name, end: next.end_local });
  return t(today.next_is_tomorrow ? "programme.next_tomorrow" : "programme.next",
    { name, start: next.start_local, check: next.check_from_local });
}
