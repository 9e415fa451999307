// Builds the package: ESM and CommonJS output with type declarations (tsc
// twice, no bundler), and copies the protos in so the tarball carries the
// contract for other tools (buf curl --schema, grpcurl, other languages).
// Runs from `npm run build` and from `prepack`, so `npm pack` works from a
// clean clone after `npm ci` at the repository root.
import { spawnSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { syncGen } from "./sync-gen.mjs";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(pkg, "..", "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

syncGen();
for (const out of ["dist", "proto", "LICENSE"]) rmSync(join(pkg, out), { recursive: true, force: true });
for (const project of ["tsconfig.json", "tsconfig.cjs.json"]) {
  const run = spawnSync(process.execPath, [tsc, "-p", join(pkg, project)], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
// Node decides a .js file's module format from the nearest package.json.
writeFileSync(join(pkg, "dist", "cjs", "package.json"), '{\n  "type": "commonjs"\n}\n');
cpSync(join(repo, "proto"), join(pkg, "proto"), { recursive: true, filter: (src) => !src.endsWith(".md") });
cpSync(join(repo, "LICENSE"), join(pkg, "LICENSE"));
