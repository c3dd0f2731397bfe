// One line of text per event, in the viewer's language, for the live feed and the timeline.
import { t, tOr, timeHM, timeHMS } from "./i18n.js";

// Return the location id an event is about, if any.
export function eventLocation(env, places = new Map()) {
  const d = env.data || {};
  return d.checkpoint_id || d.entrance_id || d.location_id || d.zone_id || d.area_id
    || (d.alert_id && places.get(d.alert_id)) || "";
}

// Return the localized name of an event type.
export function typeName(type) {
  return tOr(`event.${type}`, type);
}

// Display names by username, from the snapshot (events carry only the username).
let people = {};

// Remember the display names of people (from /api/v1/state).
export function setPeople(map) {
  people = map || {};
}

// Return the actor's name as shown on screens.
export function actorName(actor) {
  if (!actor) return "";
  if (actor.role === "system" || actor.username === "system") return t("role.system");
  return actor.display_name || people[actor.username] || actor.username || "";
}

// Return the localized text of an alert (by kind, else the server's message).
export function alertText(alert, index) {
  if (alert.kind === "patrol_overdue" && alert.checkpoint_id) {
    return t("alert.patrol_overdue", { checkpoint: index.label(alert.checkpoint_id) });
  }
  return alert.message || alert.kind || "";
}

// Return what happened, without the event type's name.
export function details(env, index) {
  const d = env.data || {};
  switch (env.type) {
    case "patrol.checkin":
      return [tOr(`status.${d.status}`, d.status || ""), d.note ? `· ${d.note}` : ""].filter(Boolean).join(" ");
    case "patrol.overdue":
      return t("feed.overdue", { time: timeHM(d.due_at), interval: d.interval_min ?? "?" });
    case "alert.raised":
      return alertText(d, index);
    case "phase.changed":
      return d.previous
        ? t("feed.phase", { previous: index.phaseName(d.previous), phase: index.phaseName(d.phase) })
        : index.phaseName(d.phase);
    default:
      if (String(env.type).startsWith("user.") && d.username) {
        return d.role ? t("feed.user_role", { username: d.username, role: tOr(`role.${d.role}`, d.role) })
          : t("feed.user", { username: d.username });
      }
      return "";
  }
}

// Return the summary part of an event line: its type's name, then what happened.
export function summary(env, index) {
  return [typeName(env.type), details(env, index)].filter(Boolean).join(" ");
}

// Return {time, location, text, actor} for one event.
export function eventParts(env, index, places) {
  const where = eventLocation(env, places);
  return {
    time: timeHMS(env.observed_at || env.ts),
    location: where ? index.label(where) : "",
    text: summary(env, index),
    actor: actorName(env.actor),
  };
}

// Return the whole feed line: "14:03:12 E3 南门车辆入口 — 巡查签到 正常 — 张三".
export function eventLine(env, index, places) {
  const p = eventParts(env, index, places);
  return [[p.time, p.location].filter(Boolean).join(" "), p.text, p.actor].filter(Boolean).join(" — ");
}
