// Local classifier latency: p50/p99 of one decision's model call over 1,000
// prompts of 20-2,000 words, and separately over 500-word prompts (the
// target: p99 under 100 microseconds), plus model load time and a 10,000
// prompt `classifyBatch` run through the full cascade. No network.
//
//   npx tsx bench/classifier.ts [--json OUT]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { classifyBatch, type ParsedRecord } from "../src/batch/index.js";
import { createLocalClassifier, loadConfiguredModel, mulberry32 } from "../src/classifier/index.js";
import { classifierSchema, policySchema } from "../src/config/schema.js";
import { createTierDecider } from "../src/policy/index.js";

const { values } = parseArgs({ options: { json: { type: "string" } }, strict: true });

const VOCAB = (
  "the invoice customer account billing api error stack trace deploy service latency request database query index cache " +
  "design architecture tenant region failover migrate schema review function test refactor classify extract summarize " +
  "sentiment ticket refund policy clause liability contract indemnify security token session webhook retry timeout queue"
).split(" ");

function prompt(words: number, random: () => number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = VOCAB[Math.floor(random() * VOCAB.length)]!;
    if (random() < 0.08) w += String(Math.floor(random() * 1000));
    out.push(w);
    if (random() < 0.07) out.push(random() < 0.5 ? ".\n" : "?");
  }
  return out.join(" ");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const loadStarted = performance.now();
const model = loadConfiguredModel("builtin");
const loadMs = performance.now() - loadStarted;
const local = createLocalClassifier({ model, settings: { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0.4 } });

function measure(prompts: string[], rounds: number): { p50Us: number; p99Us: number; meanUs: number } {
  for (let i = 0; i < 2000; i++) local.classify([{ role: "user", content: prompts[i % prompts.length]! }]); // warm-up (JIT)
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of prompts) {
      const messages = [{ role: "user" as const, content: p }];
      const t0 = performance.now();
      local.classify(messages);
      samples.push((performance.now() - t0) * 1000);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50Us: percentile(samples, 0.5), p99Us: percentile(samples, 0.99), meanUs: samples.reduce((s, x) => s + x, 0) / samples.length };
}

const random = mulberry32(42);
const mixed = Array.from({ length: 1000 }, () => prompt(20 + Math.floor(random() * 1981), random));
const fiveHundred = Array.from({ length: 1000 }, () => prompt(500, random));
const mixedResult = measure(mixed, 3);
const fiveHundredResult = measure(fiveHundred, 3);

const decider = createTierDecider({
  config: { mode: "enforce", shadow_tier: "mid", default_tier: "mid", policy: policySchema.parse({}), classifier: classifierSchema.parse({}) },
  local,
});
const records: ParsedRecord[] = Array.from({ length: 10_000 }, (_, i) => ({
  ok: true,
  record: { id: String(i), messages: [{ role: "user", content: mixed[i % mixed.length]!.slice(0, 200 + (i % 7) * 300) }], endpoint: "", plan: "" },
}));
let lines = 0;
const batch = await classifyBatch({ decider, records, write: () => void lines++ });

const result = {
  node: process.version,
  modelLoadMs: Math.round(loadMs * 10) / 10,
  prompts20to2000Words: { prompts: mixed.length, rounds: 3, ...round(mixedResult) },
  prompts500Words: { prompts: fiveHundred.length, rounds: 3, ...round(fiveHundredResult) },
  batch10k: { prompts: lines, seconds: Math.round(batch.elapsedMs) / 1000 },
};
console.log(JSON.stringify(result, null, 2));
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2) + "\n");

function round(r: { p50Us: number; p99Us: number; meanUs: number }) {
  return { p50Us: Math.round(r.p50Us * 10) / 10, p99Us: Math.round(r.p99Us * 10) / 10, meanUs: Math.round(r.meanUs * 10) / 10 };
}
