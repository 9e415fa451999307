// `npm run build`: compiles src/ and gen/ into dist/ (incremental), then
// writes dist/BUILD_STAMP. tsc leaves unchanged outputs untouched, so the
// stamp, not the outputs' times, tells bin/tierd.js when dist/ was last
// brought up to date.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(new URL("../dist/", import.meta.url), { recursive: true });
writeFileSync(new URL("../dist/BUILD_STAMP", import.meta.url), new Date().toISOString() + "\n");
