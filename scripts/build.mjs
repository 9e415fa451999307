// `npm run build`: compiles src/ and gen/ into dist/ (incremental), then
// writes dist/BUILD_STAMP. tsc leaves unchanged outputs untouched, so the
// stamp, not the outputs' times, tells bin/tierd.js when dist/ was last
// brought up to date.
//
// Also npm's `prepare` step of `npm ci`. An install without dev
// dependencies (`npm ci --omit=dev`) has no TypeScript compiler: there the
// build is skipped with a notice, and bin/tierd.js runs the sources through
// tsx (a runtime dependency) instead of failing the install.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { syncGen } from "../clients/ts/scripts/sync-gen.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
// The client package compiles against a copy of gen/ (not committed); the
// repository's tests import the client from source, so make it here too.
syncGen();
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  if (process.env.npm_lifecycle_event === "prepare") {
    process.stderr.write("tierd: TypeScript is not installed (an install without dev dependencies?): no dist/ build; bin/tierd.js runs the sources through tsx\n");
    process.exit(0);
  }
  process.stderr.write("tierd: npm run build needs the dev dependencies (typescript): run npm ci\n");
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(new URL("../dist/", import.meta.url), { recursive: true });
writeFileSync(new URL("../dist/BUILD_STAMP", import.meta.url), new Date().toISOString() + "\n");
