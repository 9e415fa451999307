// The team's own labels dominate the public corpus for their traffic: a
// family of prompts the corpus calls nano, labelled mid by the team, moves
// an unseen member of that family to mid (not only the labelled prompts,
// which the model also remembers).
import { describe, expect, it } from "vitest";
import { DEFAULT_CORPUS, ledgerMass, PRODUCT_GROUP, trainingExamples } from "../../src/classifier/corpus.js";
import { readDataset, splitExamples } from "../../src/classifier/datasets.js";
import { chooseTier } from "../../src/classifier/tier-choice.js";
import { trainClassifier, type TrainingExample } from "../../src/classifier/train.js";

describe("the team's labels", () => {
  it("outweigh the corpus on their traffic: an unseen prompt of the labelled family changes tier", () => {
    const corpus: TrainingExample[] = [];
    const sourceMass: Record<string, number> = {};
    for (const f of DEFAULT_CORPUS) {
      const rows = splitExamples(readDataset(f.path, { format: f.format }).examples).train;
      corpus.push(...trainingExamples(f, rows));
      sourceMass[rows[0]!.source] = f.mass;
    }
    const things = ["invoice", "meeting", "shipment", "password", "refund", "contract", "holiday", "server", "coffee", "report", "budget", "launch", "ticket", "badge", "parking", "laptop", "desk", "lunch", "train", "flight", "hotel", "visa", "salary", "bonus", "review", "deadline", "backup", "printer", "wifi", "keyboard"];
    const team = things.map((w, i) => ({ id: `t${i}`, prompt: `Translate into Finnish, keep the tone: "The ${w} is ready, see you tomorrow."`, label: 1 as const, source: "ledger", splitKey: `t${i}` }));
    const settings = { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0.4 };
    const unseen = 'Translate into Finnish, keep the tone: "The garden party is cancelled, sorry."';

    const before = trainClassifier({ examples: corpus, seed: 1, sourceMass }).model;
    expect(chooseTier(before.predict(unseen), settings).tier).toBe("nano");
    const after = trainClassifier({
      examples: [...corpus, ...trainingExamples({ head: "tier", cutGroup: PRODUCT_GROUP }, team, { remember: true })],
      seed: 1,
      sourceMass: { ...sourceMass, ledger: ledgerMass(team.length, DEFAULT_CORPUS) },
    }).model;
    expect(after.predict(unseen).remembered).toBeUndefined();
    expect(chooseTier(after.predict(unseen), settings).tier).toBe("mid");
    expect(after.predict(team[0]!.prompt).remembered).toBe("mid");
  }, 60_000);
});
