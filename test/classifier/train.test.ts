import { describe, expect, it } from "vitest";
import { memoryKey, parseModel, predictionOf, serializeModel, trainClassifier, type TrainingExample } from "../../src/classifier/index.js";

// A small labelled set with a learnable signal: short lookups are nano,
// code and SQL mid, design and incident work frontier.
function corpus(): TrainingExample[] {
  const nano = ["Classify the sentiment: {x}", "Is this spam? yes or no: {x}", "Extract the email address from: {x}", "Convert to ISO date: {x}"];
  const mid = ["Write a Python function that parses {x} and add unit tests.", "Write a SQL query over orders that groups {x} by month.", "Review this code for bugs and readability: {x}"];
  const frontier = [
    "Design the architecture for {x} with multi-region failover, strict tenant isolation and a zero-downtime migration plan; compare options and failure modes.",
    "Debug this outage across three services from the logs and stack traces: {x}. Find the root cause, explain the race and design a safe fix.",
  ];
  const fillers = ["great product", "invoice 2031", "march 3rd", "the billing pipeline", "user events", "a webhook system", "ledger entries", "search results", "the export job", "payment retries"];
  const out: TrainingExample[] = [];
  for (const f of fillers) {
    for (const t of nano) out.push({ prompt: t.replace("{x}", f), label: 0 });
    for (const t of mid) out.push({ prompt: t.replace("{x}", f), label: 1 });
    for (const t of frontier) out.push({ prompt: t.replace("{x}", f), label: 2 });
  }
  return out;
}

/** Weak/strong gain rows: the strong model wins on word problems with many numbers, ties on short ones. */
function gainRows(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (let i = 0; i < 40; i++) {
    out.push({ prompt: `A train leaves at ${i} and another at ${i + 3}; with speeds ${i * 2} and ${i * 3}, when do they meet after ${i + 7} stops?`, label: 2, head: "gain", cutGroup: "math" });
    out.push({ prompt: `What is ${i} plus one?`, label: 1, head: "gain", cutGroup: "math" });
  }
  return out;
}

const sameWeights = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

describe("trainClassifier", () => {
  const options = { examples: corpus(), bits: 14, epochs: 6, minDf: 2 };

  it("is deterministic: the same seed gives the same model file, bit for bit", () => {
    const a = trainClassifier({ ...options, examples: [...corpus(), ...gainRows()], seed: 7 }).model;
    const b = trainClassifier({ ...options, examples: [...corpus(), ...gainRows()], seed: 7 }).model;
    expect(sameWeights(a.params.heads.tier, b.params.heads.tier)).toBe(true);
    expect(sameWeights(a.params.heads.gain, b.params.heads.gain)).toBe(true);
    expect(serializeModel(a.params, a.info)).toBe(serializeModel(b.params, b.info));
    const c = trainClassifier({ ...options, examples: [...corpus(), ...gainRows()], seed: 8 }).model;
    expect(sameWeights(a.params.heads.tier, c.params.heads.tier)).toBe(false);
  });

  it("learns to order unseen prompts by the tier they need", () => {
    const { model } = trainClassifier({ ...options, seed: 1 });
    const easy = model.predict("Classify the sentiment: terrible support experience");
    const middle = model.predict("Write a SQL query over orders that groups refunds by month.");
    const hard = model.predict("Design the architecture for a notification service with multi-region failover, strict tenant isolation and a zero-downtime migration plan; compare options and failure modes.");
    expect(easy.score).toBeLessThan(middle.score);
    expect(middle.score).toBeLessThan(hard.score);
    expect(easy.probabilities[0]).toBeGreaterThan(0.5);
    expect(hard.probabilities[2]).toBeGreaterThan(0.5);
    for (const p of [easy, middle, hard]) expect(p.probabilities.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
  });

  it("trains the gain head only on gain rows and the tier head only on tier rows", () => {
    const tierOnly = trainClassifier({ ...options, seed: 1 }).model;
    expect(tierOnly.params.heads.gain.every((w) => w === 0)).toBe(true);
    const both = trainClassifier({ ...options, examples: [...corpus(), ...gainRows()], seed: 1 }).model;
    const word = "A train leaves at 99 and another at 102; with speeds 7 and 9, when do they meet after 4 stops?";
    const short = "What is 99 plus one?";
    // The gain head ranks what the strong model adds: word problems above one-step sums.
    const gainOf = (text: string) => {
      const m = { ...both.params, shapes: { ...both.params.shapes, free: { ...both.params.shapes.free, mix: [0, 1] as [number, number] } } };
      return parseModel(serializeModel(m, both.info, 0), "gain-only").linearScore(text);
    };
    expect(gainOf(word)).toBeGreaterThan(gainOf(short));
  });

  it("round-trips through the model file and predicts the same", () => {
    const { model } = trainClassifier({ ...options, examples: [...corpus(), ...gainRows()], seed: 1 });
    const loaded = parseModel(serializeModel(model.params, model.info, 0), "test");
    for (const text of ["Is this spam? yes or no: win a prize", "Review this code for bugs: x = 1", "", "A. one\nB. two\nC. three\nD. four\nAnswer:"]) {
      expect(loaded.predict(text).score).toBeCloseTo(model.predict(text).score, 6);
    }
    expect(loaded.info.seed).toBe(1);
    expect(loaded.params.shapes.free).toEqual(model.params.shapes.free);
  });

  it("fits free-text prompts a calibration of their own and scores other shapes as free text when nothing calibrates them", () => {
    const { model, calibration } = trainClassifier({ ...options, seed: 1, calibrationShare: 0.3, shapeCalibrationMin: 5 });
    const free = model.params.shapes.free;
    expect(free.cuts[0]).toBeLessThan(free.cuts[1]);
    expect(calibration.free!.examples).toBeGreaterThan(0);
    expect(calibration.free!.nllAfter).toBeLessThanOrEqual(calibration.free!.nllBefore);
    // No multiple-choice prompts to fit: those shapes are scored as free text.
    expect(calibration.options!.examples).toBe(0);
    expect(model.params.shapes.options).toEqual(free);
    const text = "Write a SQL query over orders that groups refunds by month.";
    expect(model.predict(text).probabilities).toEqual(predictionOf(model.linearScore(text), free).probabilities);
    expect(model.predict(text).shape).toBe("free");
  });

  it("puts a group's examples on one side of the calibration slice", () => {
    // Every example in one group: either all of them calibrate (nothing to train on) or none does.
    const grouped = corpus().map((e) => ({ ...e, group: "one template" }));
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { calibration } = trainClassifier({ ...options, examples: grouped, seed, calibrationShare: 0.5 });
      expect([0, grouped.length]).toContain(calibration.free!.examples);
    }
  });

  it("remembers prompts marked remember: the exact prompt (up to case and spacing) gets its label", () => {
    const misrouted = "Classify the sentiment: the quarterly board memo";
    const before = trainClassifier({ ...options, seed: 1 }).model;
    expect(before.predict(misrouted).probabilities[0]).toBeGreaterThan(0.5);
    const { model } = trainClassifier({ ...options, examples: [...corpus(), { prompt: misrouted, label: 2, remember: true }], seed: 1 });
    expect(model.params.memory.get(memoryKey(misrouted))).toBe("frontier");
    expect(model.predict(misrouted)).toMatchObject({ remembered: "frontier", probabilities: [0, 0, 1], score: 1 });
    expect(model.predict(`  ${misrouted.toUpperCase()}\n`).remembered).toBe("frontier");
    expect(model.predict("Classify the sentiment: the annual report").remembered).toBeUndefined();
    const loaded = parseModel(serializeModel(model.params, model.info), "test");
    expect(loaded.predict(misrouted).remembered).toBe("frontier");
  });

  it("loads a model file of the first format (one head) and scores it as before", () => {
    const { model } = trainClassifier({ ...options, seed: 1 });
    const file = JSON.parse(serializeModel(model.params, model.info, 0));
    const v1 = { format: "tierd-classifier/1", bits: file.bits, features: 2, cuts: model.params.shapes.free.cuts, temperature: model.params.shapes.free.temperature, info: file.info, ...file.heads.tier };
    const old = parseModel(JSON.stringify(v1), "old.json");
    expect(old.params.features).toBe(2);
    expect(old.params.shapes.free.mix).toEqual([1, 0]);
    const text = "Summarize this support thread for the account manager in three bullets.";
    expect(old.predict(text).probabilities.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
  });

  it("refuses a model file that is not one, naming the file and what is wrong", () => {
    expect(() => parseModel("{}", "bad.json")).toThrow(/bad.json: expected format "tierd-classifier\/3"/);
    expect(() => parseModel("nope", "bad.json")).toThrow(/bad.json: not JSON/);
    const { model } = trainClassifier({ ...options, seed: 1 });
    const file = JSON.parse(serializeModel(model.params, model.info));
    expect(() => parseModel(JSON.stringify({ ...file, features: 9 }), "new.json")).toThrow(/new.json: features must be 1, 2 or 3/);
    expect(() => parseModel(JSON.stringify({ ...file, shapes: { ...file.shapes, quiz: file.shapes.free } }), "bad.json")).toThrow(/bad.json: shapes: unknown shape "quiz"/);
    expect(() => parseModel(JSON.stringify({ ...file, shapes: { ...file.shapes, free: { ...file.shapes.free, cuts: [1, 0] } } }), "bad.json")).toThrow(/bad.json: shapes.free.cuts must be two increasing numbers/);
    expect(() => parseModel(JSON.stringify({ ...file, shapes: { ...file.shapes, free: { ...file.shapes.free, mix: [0, 0] } } }), "bad.json")).toThrow(/shapes.free.mix/);
    expect(() => parseModel(JSON.stringify({ ...file, memory: [["xyz", "mid"]] }), "bad.json")).toThrow(/bad.json: memory\[0\]/);
    expect(() => parseModel(JSON.stringify({ ...file, heads: { tier: file.heads.tier } }), "bad.json")).toThrow(/bad.json: heads.gain: weights are missing/);
  });
});
