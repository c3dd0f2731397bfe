// Copy the browser builds of front-end dependencies into static/vendor/.
// No bundler: the pages import these files directly as ES modules.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");

const files = [
  { pkg: "socket.io-client", from: "dist/socket.io.esm.min.js", to: "socket.io.esm.min.js" },
  { pkg: "socket.io-client", from: "dist/socket.io.esm.min.js.map", to: "socket.io.esm.min.js.map", optional: true },
];

mkdirSync(out, { recursive: true });
const versions = {};
for (const f of files) {
  const pkgDir = join(root, "node_modules", f.pkg);
  const src = join(pkgDir, f.from);
  if (!existsSync(src)) {
    if (f.optional) continue;
    console.error(`build_assets: missing ${src} — run "npm ci" first`);
    process.exit(1);
  }
  copyFileSync(src, join(out, f.to));
  versions[f.pkg] = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
  console.log(`build_assets: ${f.pkg}/${f.from} -> static/vendor/${f.to}`);
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
