// The LLM classifier: asks the nano tier, in JSON mode, which tier a request
// needs, with the tier definitions (zero-shot) and optionally labelled
// examples (few-shot). Its answer is validated strictly; it has its own
// timeout, and verdicts are cached by a hash of what was classified.
// It never decides on its own what to do with a failure: it reports an
// outcome and the cascade applies the policy (malformed -> mid, timeout or
// error -> the local result).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { TierName } from "../config/index.js";
import { packageFile } from "../core/package-root.js";
import { TierdError } from "../core/errors.js";
import type { CallContext, ChatMessage, ClassifyInput, Completion, CompletionRequest } from "../core/types.js";
import type { CachedVerdict, DecisionCache } from "./decision-cache.js";
import { classifiedText } from "./local-classifier.js";
import { hasImages } from "../core/request-needs.js";
import { TIER_NAMES } from "../core/tiers.js";

/** Calls the nano tier (app.ts passes `(req, ctx) => provider.complete(Tier.NANO, req, ctx)`). */
export type CompleteFn = (request: CompletionRequest, ctx: CallContext) => Promise<Completion>;

export interface FewShotExample {
  prompt: string;
  tier: TierName;
}

/**
 * costPicoUsd: what the classifier's own call cost (zero for a verdict from
 * the cache). A call abandoned at the timeout is not known to have cost
 * anything and counts as zero.
 */
export type LlmOutcome =
  | { kind: "verdict"; verdict: CachedVerdict; cached: boolean; costPicoUsd: bigint }
  /** The model answered, but not with the JSON asked for. */
  | { kind: "malformed"; detail: string; costPicoUsd: bigint }
  /** No answer in time, or the call failed. */
  | { kind: "failed"; detail: string; timedOut: boolean };

export interface LlmClassifier {
  classify(input: ClassifyInput, ctx: CallContext): Promise<LlmOutcome>;
}

export interface LlmClassifierOptions {
  complete: CompleteFn;
  /** zero-shot sends only the tier definitions; few-shot adds `examples`. */
  style: "zero-shot" | "few-shot";
  examples: readonly FewShotExample[];
  /** The classifier's own budget in ms; default 400. */
  timeoutMs?: number;
  /** Default 40: the answer is one small JSON object. */
  maxOutputTokens?: number;
  /** Characters of the request shown to the model (head and tail); default 4000. */
  maxPromptChars?: number;
  cache?: DecisionCache;
}

export const TIER_DEFINITIONS = `You are the routing classifier of an LLM gateway. Decide which model tier should answer the request the user shows you. Do not answer the request itself.

Tiers:
- "nano": a small, fast model. Classification, sentiment, tagging, extraction of fields, yes/no questions, short factual lookups, reformatting and conversion (JSON, CSV, dates), fixing typos.
- "mid": a general-purpose model. Code generation and code review of one file, SQL queries, summaries of documents or threads, drafting emails and docs, explanations that need some reasoning, data analysis with clear steps.
- "frontier": the strongest model. System and architecture design, debugging across several files or services from logs and stack traces, security and adversarial analysis, legal and contract analysis, long multi-step reasoning with many constraints.

When unsure between two tiers, choose the higher one.
Reply with exactly one JSON object and nothing else: {"tier": "nano" | "mid" | "frontier", "confidence": <number from 0 to 1>}`;

const verdictSchema = z.strictObject({
  tier: z.enum(TIER_NAMES),
  confidence: z.number().min(0).max(1),
});

export function createLlmClassifier(options: LlmClassifierOptions): LlmClassifier {
  const timeoutMs = options.timeoutMs ?? 400;
  const maxOutputTokens = options.maxOutputTokens ?? 40;
  const maxPromptChars = options.maxPromptChars ?? 4000;
  const shots = options.style === "few-shot" ? options.examples : [];
  const preamble: ChatMessage[] = [{ role: "system", content: TIER_DEFINITIONS }];
  for (const shot of shots) {
    preamble.push({ role: "user", content: framed(clip(shot.prompt, maxPromptChars)) });
    preamble.push({ role: "assistant", content: JSON.stringify({ tier: shot.tier, confidence: 0.9 }) });
  }
  // The key covers the prompt and everything that shapes the answer.
  const promptVersion = createHash("sha256").update(JSON.stringify(preamble)).digest("hex").slice(0, 16);

  return {
    async classify(input, ctx) {
      const text = clip(classifiedText(input.messages), maxPromptChars) + carriedNote(input);
      const key = `llm:${promptVersion}:${createHash("sha256").update(text).digest("hex")}`;
      const hit = await options.cache?.get(key);
      if (hit !== undefined) return { kind: "verdict", verdict: hit, cached: true, costPicoUsd: 0n };

      const request: CompletionRequest = {
        requestId: `${input.requestId}.classify`,
        messages: [...preamble, { role: "user", content: framed(text) }],
        endpoint: input.endpoint,
        caller: input.caller,
        params: { maxOutputTokens, temperature: 0, stop: [], responseFormat: "json_object" },
        // The verdict cache is this stage's cache; the response cache would
        // only hold a second copy.
        cacheBypass: true,
      };
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort(ctx.signal.reason);
      if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
      else ctx.signal.addEventListener("abort", onCallerAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new Error(`LLM classifier timed out after ${timeoutMs} ms`));
          resolve("timeout");
        }, timeoutMs);
      });
      const ownDeadline = Date.now() + timeoutMs;
      const deadlineAt = Math.min(ctx.deadlineAt ?? Infinity, ownDeadline);
      // The caller goes along, so the call is reserved against its budgets (app.ts).
      const call = options.complete(request, {
        signal: controller.signal,
        ...(Number.isFinite(deadlineAt) ? { deadlineAt } : {}),
        ...(ctx.principal === undefined ? {} : { principal: ctx.principal }),
      });
      // A late rejection after the timeout won the race must not go unhandled.
      call.catch(() => undefined);
      try {
        const answer = await Promise.race([call, timedOut]);
        if (answer === "timeout") return { kind: "failed", detail: `no answer within ${timeoutMs} ms`, timedOut: true };
        const verdict = parseVerdict(answer.content);
        if (typeof verdict === "string") return { kind: "malformed", detail: verdict, costPicoUsd: answer.costPicoUsd };
        await options.cache?.set(key, verdict);
        return { kind: "verdict", verdict, cached: false, costPicoUsd: answer.costPicoUsd };
      } catch (err) {
        // The provider enforces the same deadline and may notice it before
        // this stage's own timer fires: that is this stage's timeout too.
        if (err instanceof TierdError && err.code === "deadline_exceeded" && ownDeadline <= (ctx.deadlineAt ?? Infinity)) {
          return { kind: "failed", detail: `no answer within ${timeoutMs} ms`, timedOut: true };
        }
        const aborted = controller.signal.aborted;
        return { kind: "failed", detail: aborted ? `call aborted (${describe(err)})` : `call failed (${describe(err)})`, timedOut: false };
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onCallerAbort);
      }
    },
  };
}

/** The verdict, or a short description of what was wrong with the answer. */
export function parseVerdict(content: string): CachedVerdict | string {
  let value: unknown;
  try {
    value = JSON.parse(content.trim());
  } catch {
    return `answer is not JSON (${content.length} characters)`;
  }
  const parsed = verdictSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `answer does not match {"tier", "confidence"}: ${issue.path.join(".") || "(top level)"} ${issue.message}`;
  }
  return parsed.data;
}

function framed(prompt: string): string {
  return `Request to route:\n<<<\n${prompt}\n>>>`;
}

/** Head and tail of a long prompt: the question is usually at one end. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.7);
  return `${text.slice(0, head)}\n[...]\n${text.slice(text.length - (max - head))}`;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message.slice(0, 200);
  return String(err).slice(0, 200);
}

/** Reads a few-shot file: JSONL of {"prompt", "tier"} (other fields ignored). */
export function readFewShotExamples(path: string): FewShotExample[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read few-shot examples ${path} (${describe(err)})`);
  }
  const out: FewShotExample[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: { prompt?: unknown; tier?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      throw new Error(`${path}:${i + 1}: not valid JSON`);
    }
    if (typeof value.prompt !== "string" || value.prompt.trim() === "") throw new Error(`${path}:${i + 1}: prompt must be a non-empty string`);
    if (value.tier !== "nano" && value.tier !== "mid" && value.tier !== "frontier") {
      throw new Error(`${path}:${i + 1}: tier must be "nano", "mid" or "frontier", got ${JSON.stringify(value.tier)}`);
    }
    out.push({ prompt: value.prompt, tier: value.tier });
  });
  if (out.length === 0) throw new Error(`${path}: no examples`);
  return out;
}

/** The shipped few-shot set (data/few-shot.jsonl). */
export const BUILTIN_FEW_SHOT_URL = pathToFileURL(packageFile("data/few-shot.jsonl"));

/**
 * The local model reads text only; the LLM is told what else the request
 * carries (an agent turn with tools, a screenshot), which its tier
 * definitions let it weigh.
 */
function carriedNote(input: ClassifyInput): string {
  const notes: string[] = [];
  const tools = input.params?.tools?.length ?? 0;
  if (tools > 0) notes.push(`offers the model ${tools} tool${tools === 1 ? "" : "s"} to call`);
  if (input.messages.some((m) => m.role === "tool")) notes.push("includes tool results");
  if (hasImages(input)) notes.push("includes images");
  return notes.length === 0 ? "" : `\n\n[The request also ${notes.join(", ")}.]`;
}
