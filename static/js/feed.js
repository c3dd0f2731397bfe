// One line of text per event, in the viewer's language, for the live feed and the timeline.
import { alertText } from "./concepts/alerts.js";
import { conceptOf } from "./concepts/index.js";
import { t, tOr, timeHMS } from "./i18n.js";
import { knownPeople, personName, setPeople } from "./people.js";

export { alertText, knownPeople, setPeople };

// Return the location id an event is about, if any. lookup(section, key) finds a row of the
// page's sections (static/js/store.js: lookupWith): an acknowledgement names only its alert.
export function eventLocation(env, lookup = null) {
  const d = env.data || {};
  return d.checkpoint_id || d.entrance_id || d.location_id || d.zone_id || d.area_id
    || (d.alert_id && lookup?.("alerts", d.alert_id)?.checkpoint_id) || "";
}

// Return the localized name of an event type.
export function typeName(type) {
  return tOr(`event.${type}`, type);
}

// Return the actor's name as shown on screens.
export function actorName(actor) {
  if (!actor) return "";
  if (actor.role === "system" || actor.username === "system") return t("role.system");
  return actor.display_name || personName(actor.username);
}

// Return what happened, without the event type's name: the concept's own words, else the
// catalogue's `feed.<type>` template filled with the event's data, else nothing.
export function details(env, index, lookup = null) {
  const concept = conceptOf(env.type);
  if (concept?.details) return concept.details(env, index, lookup);
  return tOr(`feed.${env.type}`, "", env.data || {});
}

// Return the summary part of an event line: its type's name, then what happened.
export function summary(env, index, lookup = null) {
  return [typeName(env.type), details(env, index, lookup)].filter(Boolean).join(" ");
}

// Return {time, location, text, actor} for one event.
export function eventParts(env, index, lookup = null) {
  const where = eventLocation(env, lookup);
  return {
    time: timeHMS(env.observed_at || env.ts),
    location: where ? index.label(where) : "",
    text: summary(env, index, lookup),
    actor: actorName(env.actor),
  };
}

// Return the whole feed line: "14:03:12 E3 南门车辆入口 — 巡查签到 正常 — 张三".
export function eventLine(env, index, lookup = null) {
  const p = eventParts(env, index, lookup);
  return [[p.time, p.location].filter(Boolean).join(" "), p.text, p.actor].filter(Boolean).join(" — ");
}
