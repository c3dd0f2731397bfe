// Copy the browser builds of front-end dependencies into static/vendor/.
// No bundler: the pages import these files directly as ES modules (or plain scripts).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");

const files = [
  { pkg: "socket.io-client", from: "dist/socket.io.esm.min.js", to: "socket.io.esm.min.js" },
  { pkg: "socket.io-client", from: "dist/socket.io.esm.min.js.map", to: "socket.io.esm.min.js.map", optional: true },
  // The guard's outbox keeps its items (with photos and sealed fields) in IndexedDB.
  { pkg: "idb", from: "build/index.js", to: "idb.js" },
  { pkg: "idb", from: "LICENSE", to: "idb.LICENSE" },
  // /api/docs: the Swagger UI bundle (a classic script defining window.SwaggerUIBundle) and its stylesheet.
  { pkg: "swagger-ui-dist", from: "swagger-ui-bundle.js", to: "swagger-ui/swagger-ui-bundle.js" },
  { pkg: "swagger-ui-dist", from: "swagger-ui.css", to: "swagger-ui/swagger-ui.css" },
  { pkg: "swagger-ui-dist", from: "LICENSE", to: "swagger-ui/LICENSE" },
  // axe-core: used only by the accessibility test (tests/browser/test_accessibility.py), which
  // injects it into every page; vendored so the test runs offline. No page loads it.
  { pkg: "axe-core", from: "axe.min.js", to: "axe-core/axe.min.js" },
  { pkg: "axe-core", from: "LICENSE", to: "axe-core/LICENSE" },
  // The after-action report's charts (a classic script defining window.Chart; printed to A4).
  { pkg: "chart.js", from: "dist/chart.umd.min.js", to: "chart.umd.min.js" },
  { pkg: "chart.js", from: "LICENSE.md", to: "chart.js.LICENSE.md" },
  // The check-in screen reads checkpoint QR codes with it where the browser has no BarcodeDetector
  // (a classic UMD script defining window.jsQR, loaded only then).
  { pkg: "jsqr", from: "dist/jsQR.js", to: "jsQR.js" },
  { pkg: "jsqr", from: "LICENSE", to: "jsQR.LICENSE" },
];

// Web fonts: only the weights the stylesheets need (600 and 800 fall back to the 700 face),
// woff2 only, one @font-face per unicode-range slice so a page downloads just the slices
// holding the characters it shows.
const fonts = [
  { pkg: "@fontsource/noto-sans-sc", weights: [400, 700], to: "fonts/noto-sans-sc", css: "noto-sans-sc.css" },
];

function fail(message) {
  console.error(`build_assets: ${message}`);
  process.exit(1);
}

function pkgDir(pkg) {
  const dir = join(root, "node_modules", pkg);
  if (!existsSync(join(dir, "package.json"))) fail(`missing ${dir} — run "npm ci" first`);
  return dir;
}

function version(pkg) {
  return JSON.parse(readFileSync(join(pkgDir(pkg), "package.json"), "utf8")).version;
}

mkdirSync(out, { recursive: true });
const versions = {};
for (const f of files) {
  const src = join(pkgDir(f.pkg), f.from);
  if (!existsSync(src)) {
    if (f.optional) continue;
    fail(`missing ${src} — run "npm ci" first`);
  }
  mkdirSync(dirname(join(out, f.to)), { recursive: true });
  copyFileSync(src, join(out, f.to));
  versions[f.pkg] = version(f.pkg);
  console.log(`build_assets: ${f.pkg}/${f.from} -> static/vendor/${f.to}`);
}

for (const font of fonts) {
  const dir = pkgDir(font.pkg);
  const dest = join(out, font.to);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(join(dest, "files"), { recursive: true });
  const parts = [`/* ${font.pkg} ${version(font.pkg)}, weights ${font.weights.join(", ")}; SIL Open Font License 1.1 (LICENSE) */`];
  let copied = 0;
  for (const weight of font.weights) {
    const css = readFileSync(join(dir, `${weight}.css`), "utf8");
    // src: url(./files/X.woff2) format('woff2'), url(./files/X.woff) format('woff');  ->  woff2 only
    const rewritten = css.replace(/src:\s*url\((\.\/files\/[^)]+\.woff2)\)\s*format\('woff2'\)[^;]*;/g, (_, url) => {
      copyFileSync(join(dir, url), join(dest, url));
      copied += 1;
      return `src: url(${url}) format('woff2');`;
    });
    if (/\.woff\)/.test(rewritten) || !copied) fail(`unexpected @font-face layout in ${font.pkg}/${weight}.css`);
    // One line per @font-face, no comments: this stylesheet blocks the first paint of every page.
    parts.push(rewritten.replace(/\/\*[^]*?\*\//g, "").replace(/\s*([{};:,])\s*/g, "$1").replace(/\s+/g, " ")
      .replace(/}\s*/g, "}\n").trim());
  }
  writeFileSync(join(dest, font.css), parts.join("\n") + "\n");
  copyFileSync(join(dir, "LICENSE"), join(dest, "LICENSE"));
  versions[font.pkg] = version(font.pkg);
  console.log(`build_assets: ${font.pkg} weights ${font.weights.join("+")} (${copied} woff2 slices) -> static/vendor/${font.to}/${font.css}`);
}

writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
