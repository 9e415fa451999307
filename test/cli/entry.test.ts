// bin/tierd.js picks what to run: dist/ when `npm run build` brought it up
// to date after the last source edit, else the sources through tsx. Checked
// on a scratch package with the real bin/tierd.js and two stand-in entry
// points that say which one ran.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPackageRoot } from "../../src/core/package-root.js";

const run = promisify(execFile);

describe("bin/tierd.js", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tierd-entry-"));
    for (const sub of ["bin", "src/cli", "gen", "dist/src/cli"]) mkdirSync(join(dir, sub), { recursive: true });
    copyFileSync("bin/tierd.js", join(dir, "bin/tierd.js"));
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), '{"type": "module"}\n');
    for (const file of ["tsconfig.json", "tsconfig.build.json"]) writeFileSync(join(dir, file), "{}\n");
    const entry = (which: string) => `export async function main(argv: string[]): Promise<number> { console.log("${which}", argv.join(" ")); return 0; }\n`;
    writeFileSync(join(dir, "src/cli/main.ts"), entry("sources"));
    writeFileSync(join(dir, "dist/src/cli/main.js"), entry("dist").replace(/: string\[\]|: Promise<number>/g, ""));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ran = async (env: Record<string, string> = {}) =>
    (await run(process.execPath, [join(dir, "bin/tierd.js"), "serve", "--port", "1"], { env: { ...process.env, ...env } })).stdout.trim();
  const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);

  it("runs the sources while dist/ has never been built", async () => {
    expect(await ran()).toBe("sources serve --port 1");
  });

  it("runs dist/ once its build stamp is newer than every source file", async () => {
    writeFileSync(join(dir, "dist/BUILD_STAMP"), "built\n");
    for (const file of ["src/cli/main.ts", "tsconfig.json", "tsconfig.build.json"]) at(file, 1_000_000);
    at("dist/BUILD_STAMP", 2_000_000);
    expect(await ran()).toBe("dist serve --port 1");
    expect(await ran({ TIERD_FROM_SOURCE: "1" })).toBe("sources serve --port 1");
  });

  it("goes back to the sources when a source file is edited after the build", async () => {
    at("src/cli/main.ts", 3_000_000);
    expect(await ran()).toBe("sources serve --port 1");
    at("src/cli/main.ts", 1_000_000);
    writeFileSync(join(dir, "gen/new_pb.ts"), "export {};\n");
    expect(await ran()).toBe("sources serve --port 1");
  });
});

describe("findPackageRoot", () => {
  it("finds the package from src/ and from the compiled dist/src/ alike", () => {
    const dir = mkdtempSync(join(tmpdir(), "tierd-root-"));
    try {
      mkdirSync(join(dir, "dist/src/core"), { recursive: true });
      mkdirSync(join(dir, "src/core"), { recursive: true });
      writeFileSync(join(dir, "package.json"), "{}\n");
      expect(findPackageRoot(join(dir, "src/core"))).toBe(dir);
      expect(findPackageRoot(join(dir, "dist/src/core"))).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
