// Copies the repository's generated protobuf code (gen/, from `npm run
// generate`) into src/gen/ of this package, so the package compiles and packs
// on its own while the repository commits the generated code once. src/gen/
// is not committed; the package build, the repository's `npm ci` (prepare),
// `npm run generate` and `npm run lint` all run this first.
import { cpSync, existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(pkg, "..", "..", "gen");
const target = join(pkg, "src", "gen");

export function syncGen() {
  if (!existsSync(source)) throw new Error(`@tierd/client: ${source} is missing; run npm run generate at the repository root`);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true, filter: (src) => !src.endsWith(".md") });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) syncGen();
