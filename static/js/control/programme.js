// The wall's "what comes next" line in the top bar: "全体会议 09:00 — 安全检查 08:00 起" (the
// sections.programme row "today", settled by the server; the line is hidden without a programme).
import { nextLine } from "../concepts/programme.js";
import { t } from "../i18n.js";
import { touches } from "../store.js";

let line = null;

// Find the line in the top bar.
export function mount(screen) {
  line = screen.root.querySelector("[data-next-meeting]");
}

// Redraw when the programme changed (or on a full redraw).
export function render(screen, changed) {
  if (!line || !touches(changed, ["programme"])) return;
  const today = screen.store.row("programme", "today");
  const text = nextLine(today);
  line.hidden = !text;
  line.querySelector("[data-next-label]").textContent = t(today?.next?.state === "in_session"
    ? "programme.label_now" : "programme.label");
  line.querySelector("[data-next-text]").textContent = text;
}
