import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { classifierSchema } from "../../src/config/schema.js";
import { calibrateThresholds, type CalibrationRow } from "../../src/eval/calibrate.js";
import { repoPath } from "../../src/classifier/corpus.js";

const run = promisify(execFile);
const calibration = { cuts: [-1, 1] as [number, number], temperature: 1 };

/** Scores that rank labels well: nano around 0.1, mid 0.5, frontier 0.9; cost 1 / 10 / 50 per prompt. */
function rows(): CalibrationRow[] {
  const out: CalibrationRow[] = [];
  for (let i = 0; i < 100; i++) {
    const label = i % 3;
    const score = [0.1, 0.5, 0.9][label]! + ((i % 7) - 3) * 0.02;
    out.push({ score, quality: [label <= 0 ? 1 : 0, label <= 1 ? 1 : 0, 1], cost: [1, 10, 50] });
  }
  return out;
}

describe("tierd calibrate", () => {
  it("picks the cheapest thresholds that keep the target quality", () => {
    const r = calibrateThresholds(rows(), { target: 1, ambiguousBelow: 0, calibration });
    // Perfectly separable: every prompt at its own tier, cost 34*1 + 33*10 + 33*50.
    expect(r.chosen).toBeDefined();
    expect(r.chosen!.quality).toBe(1);
    expect(r.chosen!.cost).toBe(34 * 1 + 33 * 10 + 33 * 50);
    expect(r.chosen!.mix).toEqual([0.34, 0.33, 0.33]);
    expect(r.chosen!.nanoBelow).toBeGreaterThan(0.16);
    expect(r.chosen!.nanoBelow).toBeLessThan(0.44);
    expect(r.single.frontier.costShare).toBe(1);
    // A lower target is cheaper: some mid work can go to nano.
    const cheaper = calibrateThresholds(rows(), { target: 0.8, ambiguousBelow: 0, calibration });
    expect(cheaper.chosen!.cost).toBeLessThan(r.chosen!.cost);
    expect(cheaper.chosen!.qualityShare).toBeGreaterThanOrEqual(0.8);
  });

  it("skips pairs the round-up would override, so what it writes is a valid config", () => {
    const r = calibrateThresholds(rows(), { target: 0.95, ambiguousBelow: 0.45, calibration });
    expect(r.skippedForRoundUp).toBeGreaterThan(0);
  });

  it("writes the chosen thresholds as config that loads, from a labelled file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tierd-calibrate-"));
    try {
      const data = join(dir, "labels.jsonl");
      const lines = [
        ...["Is 7 prime?", "Translate 'hello' into French.", "Classify this ticket as billing or technical: my card was charged twice", "What is the capital of Peru?"].map((p) => ({ prompt: p, tier: "nano" })),
        ...["Write a Python function that merges two sorted lists, with tests.", "Draft a polite reply to a customer whose refund is late.", "Summarise this thread for the CRM: the customer wants SSO and a discount."].map((p) => ({ prompt: p, tier: "mid" })),
        ...["Design a multi-region active-active architecture for our payments ledger with exactly-once semantics.", "Threat-model our password reset flow.", "Prove that there are infinitely many primes."].map((p) => ({ prompt: p, tier: "frontier" })),
      ];
      writeFileSync(data, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      const out = join(dir, "thresholds.yaml");
      const { stderr } = await run(process.execPath, ["bin/tierd.js", "calibrate", "--data", data, "--target", "0.9", "--out", out], { cwd: repoPath(""), env: { ...process.env, TIERD_CONFIG: undefined } });
      expect(stderr).toContain("calibrated on 10 prompts");
      expect(stderr).toMatch(/-> chosen \(>= 90%\)/);
      const yaml = readFileSync(out, "utf8");
      const classifier = classifierSchema.parse((parse(yaml) as { classifier: unknown }).classifier);
      expect(classifier.nano_below).toBeLessThanOrEqual(classifier.frontier_above);
      expect(classifier.ambiguous_below).toBe(0.4);
      const missing = await run(process.execPath, ["bin/tierd.js", "calibrate"], { cwd: repoPath("") }).then(() => 0, (e: { code: number }) => e.code);
      expect(missing).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
