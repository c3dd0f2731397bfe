// Posts on the screens: the feed line of a guard going on or off duty (the rows are sections.posts).
import { loc, t } from "../i18n.js";

export const types = ["post.on_duty", "post.off_duty"];

// Return a post's name in the viewer's language (its id when the page has no row for it).
export function postName(postId, lookup) {
  const row = lookup?.("posts", postId);
  return row?.name ? loc(row.name) : postId || "";
}

// Return what happened, for the feed line: the post, whom it relieved, whether a note was left.
export function details(env, index, lookup) {
  const d = env.data || {};
  const parts = [postName(d.post_id, lookup)];
  if (d.relieves) parts.push(t("feed.post.relieves", { who: d.relieves }));
  if (env.type === "post.off_duty" && d.handover) parts.push(t("feed.post.handover"));
  return parts.filter(Boolean).join(" ");
}
