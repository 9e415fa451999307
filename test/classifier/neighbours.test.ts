import { describe, expect, it } from "vitest";
import { parseModel, serializeModel, trainClassifier, type TrainingExample } from "../../src/classifier/index.js";
import { createFeatureBuffer, extractFeatures, type FeatureBuffer } from "../../src/classifier/features.js";
import { buildNeighbours, createNeighbourScorer, decodeNeighbours, encodeNeighbours } from "../../src/classifier/neighbours.js";

const BITS = 14;

function features(text: string): FeatureBuffer {
  const b = createFeatureBuffer();
  extractFeatures(text, b, { bits: BITS });
  return { index: b.index.slice(0, b.count), value: b.value.slice(0, b.count), count: b.count, shape: b.shape };
}

const families: [string, 0 | 1 | 2][] = [
  ["Tag this ticket with one label from the list: {x}", 0],
  ["Is this review positive or negative? {x}", 0],
  ["Draft a friendly reply to this customer email about {x}, with next steps", 1],
  ["Write a TypeScript function that validates {x} and add tests", 1],
  ["Plan the migration of {x} across regions with zero downtime, weigh consistency against availability and list failure modes", 2],
  ["Find the root cause of intermittent corruption in {x} across services from these traces and design the fix", 2],
];
const fillers = ["the billing export", "our webhook queue", "shipping labels", "tenant settings", "the search index", "invoice PDFs", "refund requests", "loyalty points"];

function corpus(): TrainingExample[] {
  return families.flatMap(([t, label]) => fillers.map((f) => ({ prompt: t.replace("{x}", f), label })));
}

describe("neighbour vote", () => {
  it("votes the label of the prompts a new one resembles, weighted by similarity and training weight", () => {
    const pool = corpus().map((e) => ({ features: features(e.prompt), label: e.label, weight: 1 }));
    const scorer = createNeighbourScorer(buildNeighbours(pool, BITS, { k: 5, blend: 1, maxDf: 0.5, cap: 150 }), BITS);
    expect(scorer.expectedTier(features("Is this review positive or negative? the delivery was late"))).toBeLessThan(0.2);
    expect(scorer.expectedTier(features("Draft a friendly reply to this customer email about a damaged parcel, with next steps"))!).toBeCloseTo(1, 0);
    expect(scorer.expectedTier(features("Plan the migration of the ledger across regions with zero downtime and list failure modes"))).toBeGreaterThan(1.8);
    // Nothing in common with any stored prompt: no vote, the linear score alone decides.
    expect(scorer.expectedTier(features("zebra quokka"))).toBeUndefined();
    // A heavy prompt outvotes lighter ones: the team's labels win the vote as they win the heads.
    const heavy = [...pool, { features: features("Is this review positive or negative? the delivery was late"), label: 2 as const, weight: 1000 }];
    const outvoted = createNeighbourScorer(buildNeighbours(heavy, BITS, { k: 5, blend: 1, maxDf: 0.5, cap: 150 }), BITS);
    expect(outvoted.expectedTier(features("Is this review positive or negative? the delivery was late again"))).toBeGreaterThan(1.5);
  });

  it("keeps at most cap features per prompt, and survives a round trip through the file form unchanged", () => {
    const pool = corpus().map((e) => ({ features: features(e.prompt), label: e.label, weight: 1 + e.label }));
    const params = buildNeighbours(pool, BITS, { k: 7, blend: 0.4, maxDf: 0.3, cap: 12 });
    for (let d = 0; d < pool.length; d++) expect(params.offsets[d + 1]! - params.offsets[d]!).toBeLessThanOrEqual(12);
    const back = decodeNeighbours(JSON.parse(JSON.stringify(encodeNeighbours(params))), BITS);
    expect(back).toEqual(params);
  });

  it("blends into free text only: a multiple-choice prompt scores as without neighbours, free text does not", () => {
    const options = { examples: corpus(), bits: BITS, epochs: 4, minDf: 2, seed: 3 };
    const withVote = trainClassifier({ ...options, neighbours: { blend: 0.5, maxDf: 0.5 } }).model;
    const without = trainClassifier({ ...options, neighbours: false }).model;
    expect(withVote.params.neighbours?.labels.length).toBe(corpus().length);
    expect(without.params.neighbours).toBeUndefined();
    const quiz = "Which plan has refunds?\nA. Basic\nB. Pro\nC. Team\nD. Enterprise\nAnswer:";
    expect(withVote.predict(quiz).shape).toBe("options");
    expect(withVote.predict(quiz).z).toBe(without.predict(quiz).z);
    const free = "Find the root cause of intermittent corruption in the audit log across services from these traces and design the fix";
    expect(withVote.predict(free).z).not.toBe(without.predict(free).z);
    // The file form scores exactly as the model in memory.
    const loaded = parseModel(serializeModel(withVote.params, withVote.info), "with-vote.json");
    for (const text of [free, quiz, "Tag this ticket with one label from the list: login broken"]) expect(loaded.predict(text)).toEqual(withVote.predict(text));
  });

  it("refuses a model file whose neighbours are damaged, naming the file and the field", () => {
    const { model } = trainClassifier({ examples: corpus(), bits: BITS, epochs: 2, minDf: 2, seed: 1 });
    const file = JSON.parse(serializeModel(model.params, model.info));
    expect(file.format).toBe("tierd-classifier/3");
    const bad = (neighbours: unknown, format = file.format) => () => parseModel(JSON.stringify({ ...file, format, neighbours }), "bad.json");
    expect(bad({ ...file.neighbours, k: 0 })).toThrow(/bad.json: neighbours: k is out of range/);
    expect(bad({ ...file.neighbours, buckets: file.neighbours.buckets.slice(0, 8) })).toThrow(/bad.json: neighbours: buckets are truncated or malformed/);
    expect(bad({ ...file.neighbours, labels: "AwMD" })).toThrow(/bad.json: neighbours: labels, weights, lengths and scales/);
    expect(bad({ ...file.neighbours, df: "AAAAAA==" })).toThrow(/bad.json: neighbours: df must have 2\^bits/);
    expect(bad("nope")).toThrow(/bad.json: neighbours must be an object/);
    expect(bad(file.neighbours, "tierd-classifier/2")).toThrow(/bad.json: neighbours need format "tierd-classifier\/3"/);
    // A file of the second format (no neighbours) still loads and scores by the heads alone.
    const { neighbours: _, ...v2 } = file;
    const old = parseModel(JSON.stringify({ ...v2, format: "tierd-classifier/2" }), "old.json");
    expect(old.params.neighbours).toBeUndefined();
  });
});
