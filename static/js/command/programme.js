// The command desk's programme card: today's meetings with their times, zones and state
// (upcoming / check due / in session / clearing / done), from the server's sections.programme.
import { h } from "../common.js";
import { loc, t } from "../i18n.js";

const SEP = document.documentElement.lang === "en" ? ", " : "、";
const TAGS = { upcoming: "off", check_due: "wait", in_session: "on", clearing: "alert", done: "off" };

function meetingItem(m, index) {
  return h("li", { "data-meeting": m.meeting_id, "data-state": m.state },
    h("b", {}, loc(m.name)), " ",
    h("span", { class: `tag ${TAGS[m.state] || "off"}`, "data-meeting-state": m.state }, t(`programme.state.${m.state}`)),
    h("div", { class: "muted" }, t("programme.times", { start: m.start_local, end: m.end_local, check: m.check_from_local }),
      " · ", t("programme.zones", { zones: m.zones.map((z) => index.label(z) || z).join(SEP) })));
}

// Draw the card from the programme row "today" (hidden without a programme).
export function renderProgramme(card, today, index) {
  if (!card) return;
  const meetings = today?.meetings || [];
  card.hidden = !today?.next && meetings.length === 0;
  card.querySelector("[data-programme-day]").textContent = today?.day || "";
  const list = card.querySelector("[data-programme-list]");
  list.replaceChildren(...(meetings.length ? meetings.map((m) => meetingItem(m, index))
    : [h("li", { class: "muted" }, t("programme.none"))]));
}

// Offer today's meetings to the timeline's filter (events of a meeting's window, server-side).
export function fillMeetingFilter(label, today) {
  if (!label) return;
  const meetings = today?.meetings || [];
  label.hidden = meetings.length === 0;
  const select = label.querySelector("select");
  const chosen = select.value;
  select.replaceChildren(select.options[0], ...meetings.map((m) =>
    h("option", { value: m.meeting_id }, `${m.start_local} ${loc(m.name)}`)));
  if (meetings.some((m) => m.meeting_id === chosen)) select.value = chosen;
}
