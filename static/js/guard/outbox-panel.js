// The outbox on the phone: a badge with how many entries wait, the list of waiting entries,
// and — always in view while any exist — the entries the server refused, each with the
// server's reason and the guard's ways out: fix it in its form, send it again, or discard it.
import { ApiError } from "../api.js";
import { h } from "../common.js";
import { t, timeHM } from "../i18n.js";

// Return the server's reason for a refusal: its field messages when it gave some, else its sentence.
function reasonOf(refusal, errorText) {
  const fields = Object.values(refusal.fields || {}).filter(Boolean);
  return fields.length ? fields.join("；") : errorText(new ApiError(refusal));
}

// Return the outbox panel bound to shell; screenOf(item) finds an item's screen.
export function outboxPanel(shell, screenOf) {
  const $ = (sel) => document.querySelector(sel);
  const badge = $("[data-outbox-badge]");
  const refusedBadge = $("[data-refused-badge]");
  const panel = $("[data-outbox-panel]");
  const refusedPanel = $("[data-refused-panel]");
  const { outbox } = shell;

  const line = (item) => screenOf(item)?.outboxLine?.(item) || t("guard.pending_other", { time: timeHM(item.created_at) });

  // Draw one refused entry: what it was, why the server refused it, and the three actions.
  function refusedRow(item) {
    const screen = screenOf(item);
    const reason = reasonOf(item.refusal || {}, shell.errorText);
    const act = (key, label, onclick, cls = "") => h("button", { type: "button", class: cls, "data-action": key, onclick }, label);
    return h("li", { "data-refused": item.key },
      h("span", { class: "g-refused-what" }, line(item)),
      h("span", { class: "g-refused-why" }, reason),
      h("span", { class: "g-refused-actions" },
        screen?.edit ? act("fix", t("outbox.fix"), () => screen.edit(item), "primary") : null,
        act("resend", t("outbox.resend"), () => outbox.resend(item.key)),
        act("discard", t("outbox.discard"), () => discard(item), "g-discard")));
  }

  // Drop a refused entry once the guard confirms it.
  async function discard(item) {
    if (!window.confirm(t("outbox.discard_confirm", { what: line(item) }))) return;
    await outbox.discard(item.key);
  }

  // Draw the badges, the waiting list and the refused list.
  async function render() {
    const items = await outbox.items();
    const waiting = items.filter((i) => i.state !== "refused");
    const refused = items.filter((i) => i.state === "refused");
    badge.hidden = waiting.length === 0;
    badge.textContent = t("guard.outbox_badge", { n: waiting.length });
    refusedBadge.hidden = refused.length === 0;
    refusedBadge.textContent = t("outbox.refused_badge", { n: refused.length });
    panel.hidden = waiting.length === 0 || panel.dataset.open !== "true";
    panel.querySelector("[data-outbox-list]").replaceChildren(...waiting.map((item) => h("li", {}, line(item))));
    panel.querySelector("[data-outbox-next]").textContent = outbox.nextAt
      ? t("guard.queued_detail", { n: waiting.length, time: timeHM(outbox.nextAt) }) : "";
    refusedPanel.hidden = refused.length === 0;
    refusedPanel.querySelector("[data-refused-list]").replaceChildren(...refused.map(refusedRow));
  }

  badge.addEventListener("click", (e) => {
    e.preventDefault();
    panel.dataset.open = panel.dataset.open === "true" ? "false" : "true";
    render().then(() => {
      if (panel.hidden) return;
      shell.hideToast();
      panel.scrollIntoView({ block: "start" });
    });
  });
  refusedBadge.addEventListener("click", (e) => {
    e.preventDefault();
    refusedPanel.scrollIntoView({ block: "start" });
  });
  panel.querySelector("[data-retry]").addEventListener("click", () => outbox.resume());
  outbox.addEventListener("change", render);
  return { render };
}
