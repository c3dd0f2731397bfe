// Posts screen: go on duty at a post (relieving a guard there), read the handover note left at
// it first, go off duty leaving one. Every change goes through the outbox like any other form.
import { ApiError, get } from "../api.js";
import { h, page } from "../common.js";
import { loc, t, timeHM } from "../i18n.js";
import { addPeople, personName } from "../people.js";

export const name = "post";

let shell = null;
let posts = []; // the venue's posts as the server shaped them for this guard
const $ = (sel) => document.querySelector(sel);

// Return the post this guard is on duty at, or null.
function mine() {
  return posts.find((p) => p.on_duty.some((g) => g.username === page.username)) || null;
}

// Return the localized name of a post.
function postName(p) {
  return p ? loc(p.name) || p.post_id : "";
}

// Queue a duty change and send it at once (offline, it waits in the outbox).
async function send(url, body, what) {
  const item = await shell.outbox.add(url, body, { kind: name, what });
  shell.toast("queued", t("guard.sending"), { view: name });
  shell.outbox.flush();
  return item;
}

// Go on duty at a post, relieving `relieves` when given.
function goOn(post, relieves = null) {
  const body = relieves ? { relieves } : {};
  send(`/api/v1/posts/${encodeURIComponent(post.post_id)}/on-duty`, body, postName(post));
}

// Go off duty at the guard's post with the handover note typed.
function goOff() {
  const post = mine();
  if (!post) return;
  const note = $("[data-post-note]").value.trim();
  send(`/api/v1/posts/${encodeURIComponent(post.post_id)}/off-duty`, note ? { handover: note } : {}, postName(post));
}

// Show the handover note left at the post the guard just took (the first thing they read).
function showHandover(handover) {
  const box = $("[data-post-handover]");
  box.hidden = !handover?.note;
  if (!handover?.note) return;
  $("[data-post-handover-by]").textContent = t("post.handover_by", { who: personName(handover.by), time: timeHM(handover.at) });
  $("[data-post-handover-note]").textContent = handover.note;
  window.scrollTo(0, 0); // the note sits at the top of the screen, under the sticky header
}

// Draw one post of the list: its need, who is there, and the buttons this guard may use.
function postRow(p, current) {
  const here = current?.post_id === p.post_id;
  const others = p.on_duty.filter((g) => g.username !== page.username);
  const buttons = here ? [] : [h("button", { type: "button", "data-post-on": p.post_id }, t("post.on_duty"))]
    .concat(others.map((g) => h("button", { type: "button", class: "p-relieve", "data-post-relieve": g.username },
      t("post.relieve", { who: personName(g.username) }))));
  const row = h("li", { "data-post-id": p.post_id, "data-staffing": p.staffing },
    h("b", {}, postName(p)),
    h("span", { class: "p-need" }, t(`posts.staffing.${p.staffing}`, { n: p.on_duty.length, needed: p.needed })),
    others.length ? h("span", { class: "p-who" }, others.map((g) => `${personName(g.username)} ${timeHM(g.since)}`).join(" · ")) : null,
    buttons.length ? h("span", { class: "p-actions" }, ...buttons) : null);
  row.querySelector("[data-post-on]")?.addEventListener("click", () => goOn(p));
  row.querySelectorAll("[data-post-relieve]").forEach((b) => b.addEventListener("click", () => goOn(p, b.dataset.postRelieve)));
  return row;
}

// Draw the guard's own post, the list, and the home tile.
function render() {
  const current = mine();
  $("[data-post-mine]").hidden = !current;
  if (current) {
    $("[data-post-mine-title]").textContent = t("post.on_duty_at", { post: postName(current) });
    const since = current.on_duty.find((g) => g.username === page.username)?.since;
    $("[data-post-mine-since]").textContent = since ? t("post.since", { time: timeHM(since) }) : "";
  }
  $("[data-post-list]").replaceChildren(...posts.map((p) => postRow(p, current)));
  $("[data-post-none]").hidden = posts.length > 0;
  const where = $("[data-post-home-where]");
  if (where) where.textContent = current ? postName(current) : t("post.not_on_duty");
}

// Fetch the posts.
export async function refresh() {
  try {
    const res = await get("/api/v1/posts");
    addPeople(res.people);
    posts = res.posts || [];
    render();
  } catch (err) {
    if (err instanceof ApiError && err.needsSignIn) shell.askSignIn(false);
  }
}

// A guard went on or off duty somewhere: reload the list.
export function onEvents(envs) {
  if (envs.some((e) => e.type === "post.on_duty" || e.type === "post.off_duty")) refresh();
}

// The server took a change: going on duty, show the handover note first; going off, clear the note.
export function sent(item, data) {
  if (item.url.endsWith("/on-duty")) showHandover(data.handover);
  else $("[data-post-note]").value = "";
  shell.toast("ok", t(item.url.endsWith("/on-duty") ? "post.done_on" : "post.done_off", { post: item.label.what || "" }), { view: name });
  refresh();
}

// Changes wait in the outbox: say so.
export function held() {
  shell.toast("queued", t("guard.queued"), { view: name });
}

// Describe a waiting change in the outbox panel.
export function outboxLine(item) {
  return t(item.url.endsWith("/on-duty") ? "post.pending_on" : "post.pending_off", { post: item.label.what || "" });
}

// Bind the off-duty button and load the posts.
export function mount(s) {
  shell = s;
  $("[data-post-off]").addEventListener("click", goOff);
  refresh();
}
