import { describe, expect, it } from "vitest";
import { chooseTier, predictionOf, settingConflicts } from "../../src/classifier/index.js";
import { startTierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { loadModel, BUILTIN_MODEL_URL } from "../../src/classifier/model.js";
import { classifierSchema } from "../../src/config/schema.js";
import { fileURLToPath } from "node:url";

const calibration = { cuts: [-1, 1] as [number, number], temperature: 0.7 };

describe("chooseTier", () => {
  it("takes the thresholds' tier, with its probability as confidence", () => {
    const settings = { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0 };
    for (const z of [-3, -0.5, 0, 0.5, 3]) {
      const p = predictionOf(z, calibration);
      const c = chooseTier(p, settings);
      const expected = p.score < 0.3 ? "nano" : p.score > 0.7 ? "frontier" : "mid";
      expect(c.tier).toBe(expected);
      expect(c.confidence).toBe(p.probabilities[["nano", "mid", "frontier"].indexOf(expected)]);
      expect(c.roundedUp).toBe(false);
    }
  });

  it("says which neighbour the doubt leans to: up from nano always, up from mid above the middle, never up from frontier", () => {
    expect(chooseTier({ score: 0.1, probabilities: [0.8, 0.15, 0.05] }, { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0 }).doubtUp).toBe("mid");
    expect(chooseTier({ score: 0.55, probabilities: [0.1, 0.6, 0.3] }, { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0 }).doubtUp).toBe("frontier");
    expect(chooseTier({ score: 0.45, probabilities: [0.3, 0.6, 0.1] }, { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0 }).doubtUp).toBeUndefined();
    expect(chooseTier({ score: 0.9, probabilities: [0, 0.2, 0.8] }, { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 1 }).doubtUp).toBeUndefined();
  });
});

describe("settings that would have no effect", () => {
  it("finds where the round-up overrides nano_below and frontier_above, and agrees with chooseTier there", () => {
    const settings = { nanoBelow: 0.45, frontierAbove: 0.7, ambiguousBelow: 0.5 };
    const conflicts = settingConflicts(calibration, settings);
    expect(conflicts.map((c) => c.paths)).toContainEqual(["classifier.nano_below", "classifier.ambiguous_below"]);
    const nano = conflicts.find((c) => c.paths[0] === "classifier.nano_below")!;
    const limit = Number(/no effect above ([0-9.]+)/.exec(nano.message)![1]);
    // Just past the limit a nano by threshold rounds up; just before it, it stays nano.
    const zAt = (score: number) => {
      let lo = -20;
      let hi = 20;
      for (let k = 0; k < 100; k++) {
        const m = (lo + hi) / 2;
        if (predictionOf(m, calibration).score < score) lo = m;
        else hi = m;
      }
      return lo;
    };
    expect(chooseTier(predictionOf(zAt(limit + 0.01), calibration), settings)).toMatchObject({ byThresholds: "nano", tier: "mid", roundedUp: true });
    expect(chooseTier(predictionOf(zAt(limit - 0.01), calibration), settings)).toMatchObject({ tier: "nano", roundedUp: false });
  });

  it("names frontier_above when the mid round-up would override it", () => {
    const conflicts = settingConflicts(calibration, { nanoBelow: 0.2, frontierAbove: 0.9, ambiguousBelow: 0.6 });
    expect(conflicts.map((c) => c.paths[0])).toContain("classifier.frontier_above");
    expect(settingConflicts(calibration, { nanoBelow: 0.2, frontierAbove: 0.9, ambiguousBelow: 0 })).toEqual([]);
  });

  it("the defaults are consistent with the shipped model", () => {
    const model = loadModel(fileURLToPath(BUILTIN_MODEL_URL));
    const c = classifierSchema.parse({});
    expect(settingConflicts(model.params.shapes.free, { nanoBelow: c.nano_below, frontierAbove: c.frontier_above, ambiguousBelow: c.ambiguous_below })).toEqual([]);
  });

  it("contradictory thresholds stop start-up with a config error naming both fields", async () => {
    const yaml = `
deployments:
  d: { model: openai/gpt-4o-mini, base_url: "http://127.0.0.1:9/v1", api_key: k }
tiers: { nano: { deployments: [d] }, mid: { deployments: [d] }, frontier: { deployments: [d] } }
usage: { enabled: false }
auth: { enabled: false }
classifier:
  nano_below: 0.45
  ambiguous_below: 0.6
`;
    const started = startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    await expect(started).rejects.toThrow(/invalid configuration in t.yaml:\n  - classifier.nano_below: 0.45 has no effect above [0-9.]+: .*classifier.ambiguous_below \(0.6\)/);
  });
});
