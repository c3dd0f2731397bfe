// Broadcasts on the screens: the feed line of a message.
import { t } from "../i18n.js";
import { personName } from "../people.js";

export const types = ["broadcast.sent", "broadcast.acknowledged"];

// Return who a message went to, in the viewer's language.
export function audienceName(d) {
  if (d.to === "all") return t("broadcast.to_all");
  if (d.to === "role") return t(`role.${d.role}`);
  return personName(d.username);
}

// Return what happened, for the feed line.
export function details(env) {
  const d = env.data || {};
  if (env.type !== "broadcast.sent") return "";
  // A display receives no text: say only to whom it went.
  return d.text ? t("feed.broadcast.sent", { to: audienceName(d), text: d.text }) : `→ ${audienceName(d)}`;
}
