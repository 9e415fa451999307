import { describe, expect, it } from "vitest";
import { createComplexityModel, parseModel, predictionOf, serializeModel, trainClassifier, type TrainingExample } from "../../src/classifier/index.js";

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

describe("trainClassifier", () => {
  const options = { examples: corpus(), bits: 14, epochs: 6, minDf: 2 };

  it("is deterministic: the same seed gives the same weights, bit for bit", () => {
    const a = trainClassifier({ ...options, seed: 7 }).model;
    const b = trainClassifier({ ...options, seed: 7 }).model;
    expect(Buffer.from(a.params.weights.buffer).equals(Buffer.from(b.params.weights.buffer))).toBe(true);
    expect(a.params.cuts).toEqual(b.params.cuts);
    expect(serializeModel(a.params, a.info)).toBe(serializeModel(b.params, b.info));
    const c = trainClassifier({ ...options, seed: 8 }).model;
    expect(Buffer.from(a.params.weights.buffer).equals(Buffer.from(c.params.weights.buffer))).toBe(false);
  });

  it("is deterministic with bagging too", () => {
    const a = trainClassifier({ ...options, seed: 3, ensemble: 3 }).model;
    const b = trainClassifier({ ...options, seed: 3, ensemble: 3 }).model;
    expect(Buffer.from(a.params.weights.buffer).equals(Buffer.from(b.params.weights.buffer))).toBe(true);
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

  it("round-trips through the model file and predicts the same", () => {
    const { model } = trainClassifier({ ...options, seed: 1 });
    const loaded = parseModel(serializeModel(model.params, model.info, 0), "test");
    for (const text of ["Is this spam? yes or no: win a prize", "Review this code for bugs: x = 1", ""]) {
      expect(loaded.predict(text).score).toBeCloseTo(model.predict(text).score, 6);
    }
    expect(loaded.info.seed).toBe(1);
  });

  it("fits free-text prompts a calibration of their own, and the model file keeps it", () => {
    const { model, calibration } = trainClassifier({ ...options, seed: 1, calibrationShare: 0.3, shapeCalibrationMin: 5 });
    const free = model.params.shapes?.free;
    expect(free).toBeDefined();
    expect(free!.cuts[0]).toBeLessThan(free!.cuts[1]);
    expect(calibration.shapes.free!.nllShape).toBeLessThanOrEqual(calibration.shapes.free!.nllGlobal);
    // No multiple-choice prompts to fit: those shapes keep the global calibration.
    expect(model.params.shapes?.options).toBeUndefined();
    const text = "Write a SQL query over orders that groups refunds by month.";
    const loaded = parseModel(serializeModel(model.params, model.info, 0), "test");
    expect(loaded.params.shapes?.free).toEqual(free);
    expect(loaded.predict(text).probabilities[2]).toBeCloseTo(model.predict(text).probabilities[2], 6);
    expect(loaded.predict(text).shape).toBe("free");
    // The free-text calibration is what scores free text: the global one gives other probabilities.
    const z = model.linearScore(text);
    expect(model.predict(text).probabilities).toEqual(predictionOf(z, free!).probabilities);
    expect(predictionOf(z, model.params).probabilities).not.toEqual(predictionOf(z, free!).probabilities);
  });

  it("puts a group's examples on one side of the calibration slice", () => {
    // Every example in one group: either all of them calibrate (nothing to train on) or none does.
    const grouped = corpus().map((e) => ({ ...e, group: "one template" }));
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { calibration } = trainClassifier({ ...options, examples: grouped, seed, calibrationShare: 0.5 });
      expect([0, grouped.length]).toContain(calibration.examples);
    }
  });

  it("scores a model file from before instruction features with the features it was trained on", () => {
    const { model } = trainClassifier({ ...options, seed: 1 });
    const file = JSON.parse(serializeModel(model.params, model.info, 0));
    expect(file.features).toBe(2);
    delete file.features;
    const old = parseModel(JSON.stringify(file), "old.json");
    expect(old.params.features).toBe(1);
    const text = "Summarize this support thread for the account manager in three bullets.";
    const v1 = createComplexityModel({ ...model.params, features: 1 }, model.info);
    expect(old.linearScore(text)).toBeCloseTo(v1.linearScore(text), 6);
    expect(old.linearScore(text)).not.toBeCloseTo(model.linearScore(text), 6);
    expect(() => parseModel(JSON.stringify({ ...file, features: 3 }), "new.json")).toThrow(/new.json: features must be 1 or 2/);
  });

  it("refuses a model file that is not one", () => {
    expect(() => parseModel("{}", "bad.json")).toThrow(/bad.json: expected format "tierd-classifier\/1"/);
    expect(() => parseModel("nope", "bad.json")).toThrow(/bad.json: not JSON/);
    const { model } = trainClassifier({ ...options, seed: 1 });
    const file = JSON.parse(serializeModel(model.params, model.info));
    expect(() => parseModel(JSON.stringify({ ...file, shapes: { quiz: { cuts: [0, 1], temperature: 1 } } }), "bad.json")).toThrow(/bad.json: shapes: unknown shape "quiz"/);
    expect(() => parseModel(JSON.stringify({ ...file, shapes: { free: { cuts: [1, 0], temperature: 1 } } }), "bad.json")).toThrow(/bad.json: shapes.free.cuts must be two increasing numbers/);
  });
});
