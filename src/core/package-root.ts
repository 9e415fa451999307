// Files that ship beside the code (the classifier model, the few-shot set)
// are found from the package root, not from this module's depth: the same
// module runs from src/ (through tsx, in development and tests) and from
// dist/src/ (compiled, `npm start`).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function findPackageRoot(from: string): string {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

/** The directory holding tierd's package.json, with a trailing separator. */
export const PACKAGE_ROOT = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), "/");

/** A file shipped with tierd, by its path relative to the package root. */
export function packageFile(relative: string): string {
  return join(PACKAGE_ROOT, relative);
}
