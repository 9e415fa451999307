// Every command of docs/calling.md ("Calling tierd"), verified: shell
// blocks run against a live tierd (with the documented address rewritten to
// it) and must exit 0 and print what their `# prints:` lines promise; code
// listings must equal the example files that other tests run; CI-only steps
// must appear verbatim in .ci/run. A block nobody verifies fails the test.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { CALLING_DOC, callingTierdBlocks, commandLines, expectedOutputs, localize, type ReadmeBlock } from "./readme-blocks.js";

const run = promisify(execFile);
const blocks = callingTierdBlocks();

/** Tools a block may need; CI installs them all, so CI never skips. */
const NEEDS: Record<string, () => boolean> = {
  python: () => succeeds("/usr/bin/python3", ["-c", "import grpc, google.protobuf"]),
  go: () => succeeds("bash", ["-c", "command -v protoc-gen-go && command -v protoc-gen-go-grpc"]),
};

function succeeds(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function kindOf(block: ReadmeBlock): "run" | "install" | "ci" | "mirror" | undefined {
  if (block.lang === "sh") {
    if (block.flags.has("install")) return "install";
    if (block.flags.has("ci")) return "ci";
    if (block.flags.size === 0) return "run";
    return undefined;
  }
  return block.attrs.mirror !== undefined ? "mirror" : undefined;
}

describe(`${CALLING_DOC}: Calling tierd`, () => {
  it("has no block that nothing verifies", () => {
    const unverified = blocks.filter((b) => kindOf(b) === undefined).map((b) => `line ${b.line}: ${b.lang} ${[...b.flags].join(" ")}`);
    expect(unverified).toEqual([]);
    const needs = blocks.flatMap((b) => (b.attrs.needs === undefined ? [] : [b.attrs.needs]));
    for (const need of needs) expect(Object.keys(NEEDS), `unknown needs=${need}`).toContain(need);
    expect(blocks.filter((b) => kindOf(b) === "install")).toHaveLength(1); // run by ts-package.test.ts
  });

  for (const block of blocks.filter((b) => kindOf(b) === "mirror")) {
    it(`shows ${block.attrs.mirror} verbatim (line ${block.line})`, () => {
      expect(block.code).toBe(readFileSync(block.attrs.mirror!, "utf8"));
    });
  }

  it("lists CI steps that .ci/run really runs", () => {
    const ci = readFileSync(".ci/run", "utf8");
    const steps = blocks.filter((b) => kindOf(b) === "ci").flatMap(commandLines);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(ci, `.ci/run runs "${step}"`).toContain(step);
  });

  describe("against a live tierd", () => {
    let t: TestTierd;
    const dirs: string[] = [];
    beforeAll(async () => {
      t = await startTestTierd();
    });
    afterAll(async () => {
      await t.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    for (const block of blocks.filter((b) => kindOf(b) === "run")) {
      const need = block.attrs.needs;
      const missing = need !== undefined && !process.env.CI && !NEEDS[need]!();
      it.skipIf(missing)(`runs the block at line ${block.line}: ${commandLines(block)[0]}`, async () => {
        const serviceDir = mkdtempSync(join(tmpdir(), "tierd-readme-"));
        dirs.push(serviceDir);
        const script = localize(block.code, { url: t.tierd.url, serviceDir });
        let stdout: string;
        try {
          ({ stdout } = await run("bash", ["-euo", "pipefail", "-c", script], { timeout: 60_000, maxBuffer: 16 << 20 }));
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string; message: string };
          throw new Error(`${CALLING_DOC} line ${block.line} failed:\n${script}\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`);
        }
        expect(stdout.trim()).not.toBe("");
        for (const expected of expectedOutputs(block)) expect(stdout).toContain(expected);
      });
    }
  });
});
