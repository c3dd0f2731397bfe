// Account events in the timeline (no screen receives them live).
import { t, tOr } from "../i18n.js";

export const types = ["user.created", "user.disabled", "user.enabled", "user.password_reset", "user.signed_out"];

// Return what happened, for a timeline line.
export function details(env) {
  const d = env.data || {};
  if (!d.username) return "";
  return d.role ? t("feed.user_role", { username: d.username, role: tOr(`role.${d.role}`, d.role) })
    : t("feed.user", { username: d.username });
}
