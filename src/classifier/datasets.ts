// Labelled data for training and evaluation, read from the formats tierd
// accepts: JSONL or CSV of {prompt, tier} (what the usage ledger exports),
// RouteLLM's two-model correctness CSVs, MMLU-Pro's three-tier ones, and
// graded two-model files (weak_score, strong_score in [0, 1]: open-ended chat
// graded by a judge, instruction following, open-answer STEM).
// Every example gets an ordinal label (0 nano, 1 mid, 2 frontier) and a
// split key, so one deterministic rule keeps a held-out part of every file.
// Benchmark metadata columns (subject, category) are never read.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseCsv } from "./csv.js";
import { TIER_NAMES, type TierName } from "../core/tiers.js";

export type DataFormat = "labels" | "routellm" | "mmlu-pro" | "scores";

export interface LabelledExample {
  id: string;
  prompt: string;
  /** Ordinal label: 0 nano, 1 mid, 2 frontier. */
  label: 0 | 1 | 2;
  /** Which file it came from (names the source in model metadata and reports). */
  source: string;
  /**
   * Per-model correctness or grade in [0, 1], for the routing metrics
   * (RouteLLM and graded files: weak, strong; MMLU-Pro: nano, mid, frontier).
   */
  correct?: Record<string, number>;
  /** The text the held-out split hashes: the question stem, so a question shared by two files lands on the same side. */
  splitKey: string;
}

export class DatasetError extends Error {
  override readonly name = "DatasetError";
}

/** Share of every file kept out of training, in percent. */
export const HELD_OUT_PERCENT = 25;

/**
 * Share of every file, inside the train part, used to choose
 * hyperparameters (scripts/tune.ts), so the held-out part is looked at once.
 */
export const VALIDATION_PERCENT = 15;

/** Which part an example belongs to (deterministic, independent of file order). */
export function splitOf(example: Pick<LabelledExample, "splitKey">): "train" | "validation" | "held-out" {
  const bucket = createHash("sha256").update(normaliseStem(example.splitKey)).digest().readUInt32BE(0) % 100;
  return bucket < HELD_OUT_PERCENT ? "held-out" : bucket < HELD_OUT_PERCENT + VALIDATION_PERCENT ? "validation" : "train";
}

/** True when the example belongs to the held-out part. */
export function isHeldOut(example: Pick<LabelledExample, "splitKey">): boolean {
  return splitOf(example) === "held-out";
}

export function splitExamples<T extends Pick<LabelledExample, "splitKey">>(examples: readonly T[]): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const e of examples) (isHeldOut(e) ? heldOut : train).push(e);
  return { train, heldOut };
}

/**
 * Letters of every script count: with ASCII only, prompts in Japanese or
 * Chinese collapsed to the same few stems and so all landed on one side.
 */
function normaliseStem(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim().slice(0, 300);
}

export interface ReadDatasetOptions {
  format?: DataFormat;
  /** Source tag; the file's base name by default. */
  source?: string;
}

export function readDataset(path: string, options: ReadDatasetOptions = {}): { format: DataFormat; examples: LabelledExample[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DatasetError(`cannot read ${path} (${(err as Error).message})`);
  }
  return parseDataset(text, path, options);
}

export function parseDataset(text: string, path: string, options: ReadDatasetOptions = {}): { format: DataFormat; examples: LabelledExample[] } {
  const source = options.source ?? basename(path).replace(/\.(jsonl|csv|json)$/i, "");
  const isJsonl = /\.jsonl?$/i.test(path) || text.trimStart().startsWith("{");
  const rows: Record<string, unknown>[] = isJsonl ? parseJsonl(text, path) : parseCsv(text, path);
  const format = options.format ?? detectFormat(rows[0] ?? {}, path);
  const examples: LabelledExample[] = [];
  rows.forEach((row, i) => {
    const where = isJsonl ? `${path}:${i + 1}` : `${path} row ${i + 2}`;
    const example = exampleOf(format, row, where, source, i);
    if (example !== undefined) examples.push(example);
  });
  return { format, examples };
}

function parseJsonl(text: string, path: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DatasetError(`${path}:${i + 1}: not valid JSON`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DatasetError(`${path}:${i + 1}: expected a JSON object`);
    out.push(value as Record<string, unknown>);
  });
  return out;
}

function detectFormat(row: Record<string, unknown>, path: string): DataFormat {
  if ("weak_correct" in row && "strong_correct" in row) return "routellm";
  if ("nano_correct" in row && "frontier_correct" in row) return "mmlu-pro";
  if ("weak_score" in row && "strong_score" in row) return "scores";
  if ("tier" in row) return "labels";
  throw new DatasetError(
    `${path}: cannot tell the format from the fields ${Object.keys(row).join(", ") || "(none)"}; expected prompt + tier, prompt + weak_correct + strong_correct, prompt + weak_score + strong_score, or question + options + nano_correct + mid_correct + frontier_correct`,
  );
}

function exampleOf(format: DataFormat, row: Record<string, unknown>, where: string, source: string, i: number): LabelledExample | undefined {
  const id = row.id === undefined || row.id === "" ? `${source}.${i}` : String(row.id);
  switch (format) {
    case "labels": {
      const prompt = promptOf(row, where);
      const tier = String(row.tier ?? "").toLowerCase();
      const label = TIER_NAMES.indexOf(tier as TierName);
      if (label < 0) throw new DatasetError(`${where}: tier must be nano, mid or frontier, got ${JSON.stringify(row.tier)}`);
      // `group` (optional) keeps related prompts, such as one template's, on one side of the split.
      const group = typeof row.group === "string" && row.group !== "" ? row.group : undefined;
      return { id, prompt, label: label as 0 | 1 | 2, source, splitKey: group ?? prompt };
    }
    case "routellm": {
      const prompt = promptOf(row, where);
      const weak = bit(row.weak_correct, "weak_correct", where);
      const strong = bit(row.strong_correct, "strong_correct", where);
      if (weak === undefined || strong === undefined) return undefined;
      // Ordered by what the strong model adds (strong - weak): it alone is
      // right (2), both answer alike (1), only the weak one is right (0).
      // Routing gains exactly this, so ranking by it is what APGR rewards;
      // "cheapest correct" labels (weak right -> 0, neither -> 1) scored
      // about 0.05 APGR lower on held-out MMLU.
      const label = (strong - weak + 1) as 0 | 1 | 2;
      return { id, prompt, label, source, correct: { weak, strong }, splitKey: stemOf(prompt) };
    }
    case "scores": {
      const prompt = promptOf(row, where);
      const weak = grade(row.weak_score, "weak_score", where);
      const strong = grade(row.strong_score, "strong_score", where);
      if (weak === undefined || strong === undefined) return undefined;
      // As for RouteLLM files, ordered by what the strong model adds; a
      // grade is ordinal and noisy, so a gain within GRADE_TIE of zero is a tie.
      const gain = strong - weak;
      const label = gain > GRADE_TIE ? 2 : gain < -GRADE_TIE ? 0 : 1;
      return { id, prompt, label, source, correct: { weak, strong }, splitKey: prompt };
    }
    case "mmlu-pro": {
      const question = String(row.question ?? "");
      if (question.trim() === "") throw new DatasetError(`${where}: question is empty`);
      const options = parsePythonStringList(String(row.options ?? "[]"), where);
      const nano = bit(row.nano_correct, "nano_correct", where);
      const mid = bit(row.mid_correct, "mid_correct", where);
      const frontier = bit(row.frontier_correct, "frontier_correct", where);
      // A blank cell is a model with no answer on record: not a wrong answer.
      if (nano === undefined || mid === undefined || frontier === undefined) return undefined;
      const letters = "ABCDEFGHIJKLMNOP";
      const prompt = `${question.trim()}\n${options.map((o, k) => `${letters[k]}. ${o}`).join("\n")}\nAnswer:`;
      // The cheapest tier that answers; unsolved questions sit in the middle
      // (no tier helps, so frontier money is wasted, but nano is no safer).
      const label = nano === 1 ? 0 : mid === 1 ? 1 : frontier === 1 ? 2 : 1;
      return { id, prompt, label, source, correct: { nano, mid, frontier }, splitKey: question };
    }
  }
}

/**
 * Grade gaps at or below this are ties. Judge grades come in ninths on a
 * 1-10 scale: one step (0.111) is within a judge's noise, two are not.
 */
export const GRADE_TIE = 0.12;

function grade(value: unknown, field: string, where: string): number | undefined {
  if (value === "" || value === undefined || value === null) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new DatasetError(`${where}: ${field} must be a number in [0, 1], got ${JSON.stringify(value)}`);
  return x;
}

function promptOf(row: Record<string, unknown>, where: string): string {
  if (typeof row.prompt === "string" && row.prompt.trim() !== "") return row.prompt;
  if (Array.isArray(row.messages)) {
    const text = row.messages.map((m) => (m && typeof m === "object" && "content" in m ? String((m as { content: unknown }).content) : "")).join("\n");
    if (text.trim() !== "") return text;
  }
  throw new DatasetError(`${where}: prompt is missing or empty`);
}

function bit(value: unknown, field: string, where: string): 0 | 1 | undefined {
  if (value === "" || value === undefined || value === null) return undefined;
  const s = String(value).trim().toLowerCase();
  if (s === "1" || s === "true" || s === "1.0") return 1;
  if (s === "0" || s === "false" || s === "0.0") return 0;
  throw new DatasetError(`${where}: ${field} must be 0 or 1, got ${JSON.stringify(value)}`);
}

/** The question stem of a multiple-choice prompt (text before the "A." option). */
function stemOf(prompt: string): string {
  const at = prompt.search(/\n\s*A[.)]\s/);
  return at < 0 ? prompt : prompt.slice(0, at);
}

/** Parses a Python list-of-strings literal as MMLU-Pro stores options: ['a', "b's", ...]. */
export function parsePythonStringList(text: string, where: string): string[] {
  const out: string[] = [];
  let i = text.indexOf("[");
  if (i < 0) throw new DatasetError(`${where}: options is not a list`);
  i++;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "]") return out;
    if (c === " " || c === "," || c === "\n") {
      i++;
      continue;
    }
    if (c !== "'" && c !== '"') throw new DatasetError(`${where}: options: unexpected ${JSON.stringify(c)}`);
    let s = "";
    i++;
    while (i < text.length && text[i] !== c) {
      if (text[i] === "\\" && i + 1 < text.length) {
        const e = text[i + 1]!;
        s += e === "n" ? "\n" : e === "t" ? "\t" : e;
        i += 2;
        continue;
      }
      s += text[i];
      i++;
    }
    out.push(s);
    i++;
  }
  throw new DatasetError(`${where}: options list is not closed`);
}
