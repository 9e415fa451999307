// `tierd classify` as users run it: a child process over real files.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { baseConfigYaml } from "../helpers/tierd.js";

const run = promisify(execFile);

async function classify(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/tierd.js", "classify", ...args], { env: { ...process.env, TIERD_CONFIG: "" } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("tierd classify", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierd-classify-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, "tierd.yaml");
  writeFileSync(
    config,
    baseConfigYaml("http://127.0.0.1:9/v1") +
      `policy:\n  rules:\n    - name: suggest-ceiling\n      when: { endpoint: /api/search/suggest }\n      max_tier: nano\n`,
  );

  it("decides every JSONL prompt with the configured cascade and projects the cost", async () => {
    const input = join(dir, "log.jsonl");
    const out = join(dir, "out.jsonl");
    writeFileSync(
      input,
      [
        { id: "a", prompt: "Classify the sentiment of this review: 'Great support, fast answers.'", input_tokens: 40, output_tokens: 2 },
        {
          id: "b",
          messages: [
            { role: "system", content: "You are a staff engineer." },
            { role: "user", content: "Design a multi-region active-active architecture for our billing service with exactly-once charges, EU data residency and a zero-downtime migration from one Postgres; compare two options and their failure modes." },
          ],
          input_tokens: 120,
          output_tokens: 900,
        },
        { id: "c", prompt: "Design a multi-region active-active architecture for search suggestions with strict tenant isolation, EU data residency and a zero-downtime migration; compare two options and their failure modes.", endpoint: "/api/search/suggest", input_tokens: 30, output_tokens: 20 },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n") + "\n",
    );
    const res = await classify(["--in", input, "--out", out, "--config", config]);
    expect(res.code, res.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual(["a", "b", "c"]);
    expect(lines[0]).toMatchObject({ tier: "nano", stage: "local_classifier" });
    expect(lines[1]).toMatchObject({ tier: "frontier", stage: "local_classifier" });
    expect(lines[2]).toMatchObject({ tier: "nano", stage: "rule" });
    for (const l of lines) {
      expect(l.score).toBeGreaterThanOrEqual(0);
      expect(l.confidence).toBeGreaterThan(0);
    }
    expect(res.stderr).toContain("decided 3 of 3 prompts");
    expect(res.stderr).toMatch(/nano 66\.7% \(2\)\s+mid 0\.0% \(0\)\s+frontier 33\.3% \(1\)/);
    // a: 40 in + 2 out at gpt-4o-mini; b: 120 + 900 at opus; c: 30 + 20 at gpt-4o-mini, against all at opus.
    const routed = (40 * 0.15 + 2 * 0.6 + 120 * 5 + 900 * 25 + 30 * 0.15 + 20 * 0.6) / 1e6;
    const frontier = (190 * 5 + 922 * 25) / 1e6;
    expect(res.stderr).toContain(`routed $${routed.toFixed(4)}; all-frontier $${frontier.toFixed(4)}`);
  });

  it("reads CSV, and reports unreadable records as error lines with a non-zero exit", async () => {
    const csv = join(dir, "log.csv");
    writeFileSync(csv, 'id,prompt\n1,"Is 7 prime? yes or no"\n2,""\n');
    const res = await classify(["--in", csv, "--config", config]);
    expect(res.code).toBe(1);
    const lines = res.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ id: "1", tier: "nano" });
    expect(lines[1]).toMatchObject({ id: "2" });
    expect(String(lines[1]!.error)).toContain('row 3: needs a non-empty "prompt" or "messages"');
    expect(res.stderr).toContain("1 could not be read");
  });

  it("explains a missing --in", async () => {
    const res = await classify([]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--in FILE is required");
  });
});
