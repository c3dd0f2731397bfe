// The command desk's readiness section: what is missing, hazards with their photos (a rectify
// action for operators and up) and today's inspections. Reloads on demand and every minute.
import { get, post } from "../api.js";
import { errorText, h, loadVenue, page, venueIndex } from "../common.js";
import { checklistName } from "../concepts/inspections.js";
import { loc, t, timeHM } from "../i18n.js";

const root = document.querySelector("[data-ins-desk]");
const $ = (sel) => root.querySelector(sel);
const canRectify = ["operator", "commander", "admin"].includes(page.role);
let index = null;

const zoneName = (id) => (index.zones.get(id) ? loc(index.zones.get(id).name) : id);
const photos = (ids) => (ids || []).map((id) => h("a", { href: `/api/v1/photos/${id}`, target: "_blank" },
  h("img", { src: `/api/v1/photos/${id}`, alt: t("inspection.photo"), class: "ins-thumb", loading: "lazy" })));

// Rectify a hazard after asking what was done.
async function rectify(hazard, button) {
  const note = window.prompt(t("hazards.rectify_note"));
  if (!note || !note.trim()) return;
  button.disabled = true;
  try {
    await post(`/api/v1/hazards/${hazard.hazard_id}/rectify`, { note: note.trim() });
  } catch (err) {
    window.alert(errorText(err));
  }
  await load();
}

function hazardRow(hz) {
  const status = hz.status === "open" ? t("hazards.open")
    : `${t("hazards.rectified")} · ${t(hz.fixed_on_spot ? "hazards.on_spot" : "hazards.late")}`;
  const text = [hz.critical ? `[${t("hazards.critical")}]` : "", hz.note, hz.assignee ? t("hazards.assignee", { assignee: hz.assignee }) : "",
    hz.rectify_note ? `→ ${hz.rectify_note}` : ""].filter(Boolean).join(" ");
  const button = canRectify && hz.status === "open"
    ? h("button", { type: "button", "data-rectify": hz.hazard_id }, t("hazards.rectify")) : null;
  button?.addEventListener("click", () => rectify(hz, button));
  return h("tr", { "data-hazard": hz.hazard_id, "data-status": hz.status, "data-critical": hz.critical ? "true" : "false" },
    h("td", { class: "nowrap" }, timeHM(hz.opened_at)),
    h("td", {}, checklistName(index, hz.checklist_id), h("br"), h("small", {}, checklistName(index, hz.checklist_id, hz.item_id))),
    h("td", {}, zoneName(hz.area_id)),
    h("td", {}, h("b", {}, status), h("br"), text),
    h("td", {}, ...photos([...(hz.photo_ids || []), ...(hz.rectify_photo_ids || [])])),
    h("td", {}, button));
}

function inspectionRow(ins) {
  const failed = (ins.failed || []).length;
  return h("tr", { "data-inspection": ins.inspection_id },
    h("td", { class: "nowrap" }, timeHM(ins.recorded_at)),
    h("td", {}, checklistName(index, ins.checklist_id)),
    h("td", {}, zoneName(ins.area_id)),
    h("td", {}, failed ? t("readiness.failed_items", { n: failed }) : t("inspection.state.passed"),
      ...photos(ins.results.flatMap((r) => r.photo_ids || []))),
    h("td", {}, ins.by));
}

// Fetch and draw the board summary, the hazards of today (and any still open) and the inspections.
async function load() {
  const [board, hazards, inspections] = await Promise.all([get("/api/v1/readiness"), get("/api/v1/hazards"),
    get("/api/v1/inspections")]);
  const tag = $("[data-ready-tag]");
  tag.className = `tag ${board.ready ? "on" : "off"}`;
  tag.textContent = board.ready ? t("readiness.ready") : t("readiness.not_ready", { n: board.missing.length });
  $("[data-ins-missing]").replaceChildren(...board.missing.map((m) => h("li", { "data-missing": m.key },
    document.documentElement.lang === "en" ? m.en : m.zh)));
  const o = board.override;
  $("[data-ins-override]").hidden = !o;
  if (o) $("[data-ins-override]").textContent = t("readiness.override", { by: o.by, time: timeHM(o.at), reason: o.reason });
  const today = hazards.hazards.filter((hz) => hz.status === "open" || String(hz.rectified_at || "") >= `${board.day}`
    || inspections.inspections.some((i) => i.inspection_id === hz.inspection_id));
  $("[data-ins-hazards]").replaceChildren(...today.map(hazardRow));
  $("[data-ins-rows]").replaceChildren(...inspections.inspections.map(inspectionRow));
  $("[data-ins-empty]").hidden = inspections.inspections.length > 0;
  $("[data-ins-count]").textContent = String(inspections.inspections.length);
  root.dataset.loaded = "true";
}

async function start() {
  index = venueIndex(await loadVenue());
  await load();
  setInterval(load, 60000);
}

if (root) start();
