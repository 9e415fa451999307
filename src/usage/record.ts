// One ledger record per request: the facts a team asks about after two
// weeks, in plain values that both SQL backends store the same way. Names
// (tiers, stages, error classes) are stored as lowercase words so the ledger
// reads well in any SQL client.
import { createHash, randomUUID } from "node:crypto";
import type { TierName } from "../config/index.js";
import { AttemptOutcome, ErrorClass, FinishReason, RoutingMode, Tier, type Attempt, type ChatMessage, type RoutableTier } from "../core/types.js";
import { stageName } from "../core/decision-stage.js";
import { costOf, type PriceTable } from "../pricing/index.js";
import { NAME_OF_TIER as NAME_OF } from "../core/tiers.js";
import type { RequestKind, RequestOutcome } from "../router/index.js";

/** "ok" or the gRPC-like error code of the request. */
export type RecordStatus = "ok" | RequestOutcomeCode;
type RequestOutcomeCode = NonNullable<RequestOutcome["failure"]>["code"];

export interface AttemptRecord {
  deployment: string;
  model: string;
  tier: TierName;
  outcome: "success" | "failure" | "skipped";
  /** Lowercase ErrorClass name, "" on success. */
  errorClass: string;
  latencyMs: number;
  httpStatus: number;
  startedAtMs: number;
}

export interface UsageRecord {
  /** Unique per record (the request id is the caller's and may repeat). */
  id: string;
  requestId: string;
  kind: RequestKind;
  /** Arrival, epoch ms. */
  startedAtMs: number;
  callerId: string;
  callerPlan: string;
  callerMetadata: Record<string, string>;
  endpoint: string;
  mode: string;
  /** The tier decided; null when the request failed before a decision. */
  tier: TierName | null;
  decidedBy: string | null;
  decisionReason: string;
  score: number | null;
  confidence: number | null;
  /** Shadow mode: what the router would have chosen. */
  shadowTier: TierName | null;
  shadowDecidedBy: string | null;
  /** The tier of the deployment that answered; null when none did. */
  servedTier: TierName | null;
  deployment: string | null;
  model: string | null;
  attempts: AttemptRecord[];
  finishReason: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  cacheWriteTokens: number;
  usageEstimated: boolean;
  costPicoUsd: bigint;
  /** The same tokens priced on the first deployment of each tier. */
  costIfNanoPicoUsd: bigint;
  costIfMidPicoUsd: bigint;
  costIfFrontierPicoUsd: bigint;
  latencyMs: number;
  classifierLatencyMs: number;
  timeToFirstTokenMs: number | null;
  cacheHit: boolean;
  /** Cache hits: what the answer cost when it came from upstream; 0 otherwise. */
  cacheSavedPicoUsd: bigint;
  /**
   * What deciding the tier cost: the LLM classifier's call, when it was
   * asked (not in costPicoUsd, which is the answer's cost).
   */
  classifierCostPicoUsd: bigint;
  status: RecordStatus;
  errorMessage: string;
  /** SHA-256 (hex) of the prompt text, always. */
  promptSha256: string;
  /** The prompt text itself, only when `usage.store_prompts` is on. */
  promptText: string | null;
}

export interface RecordContext {
  prices: PriceTable;
  /** The model of each tier's first deployment, for the counterfactual costs. */
  modelOfTier: Readonly<Record<RoutableTier, string>>;
  storePrompts: boolean;
  /** Record ids; random UUIDs by default. */
  newId?: () => string;
}

const MAX_ERROR_MESSAGE = 500;

export function usageRecordOf(outcome: RequestOutcome, ctx: RecordContext): UsageRecord {
  const { request, decision, completion, usage } = outcome;
  const prompt = promptOf(request.messages);
  const priced = (tier: RoutableTier) => costOf(usage, ctx.prices.priceOf(ctx.modelOfTier[tier]));
  return {
    id: (ctx.newId ?? randomUUID)(),
    requestId: request.requestId,
    kind: outcome.kind,
    startedAtMs: Math.floor(outcome.startedAt),
    callerId: request.caller.id,
    callerPlan: request.caller.plan,
    callerMetadata: request.caller.metadata,
    endpoint: request.endpoint,
    mode: decision === undefined ? "" : lower(RoutingMode[decision.mode]),
    tier: decision === undefined ? null : NAME_OF[decision.tier],
    decidedBy: decision === undefined ? null : stageName(decision.decidedBy),
    decisionReason: decision?.reason ?? "",
    score: decision?.score ?? null,
    confidence: decision?.confidence ?? null,
    shadowTier: decision?.shadow === undefined ? null : NAME_OF[decision.shadow.tier],
    shadowDecidedBy: decision?.shadow === undefined ? null : stageName(decision.shadow.decidedBy),
    servedTier: completion === undefined ? null : NAME_OF[completion.tier],
    deployment: completion?.deployment ?? null,
    model: completion?.model ?? null,
    attempts: outcome.attempts.map(attemptRecordOf),
    finishReason: completion === undefined ? null : lower(FinishReason[completion.finishReason]),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    reasoningTokens: usage.reasoningTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    usageEstimated: usage.estimated,
    costPicoUsd: outcome.costPicoUsd,
    costIfNanoPicoUsd: priced(Tier.NANO),
    costIfMidPicoUsd: priced(Tier.MID),
    costIfFrontierPicoUsd: priced(Tier.FRONTIER),
    latencyMs: outcome.latencyMs,
    classifierLatencyMs: decision?.classifierLatencyMs ?? 0,
    timeToFirstTokenMs: outcome.timeToFirstTokenMs ?? null,
    cacheHit: completion?.cacheHit ?? false,
    cacheSavedPicoUsd: completion?.cacheSavedPicoUsd ?? 0n,
    classifierCostPicoUsd: decision?.classifierCostPicoUsd ?? 0n,
    status: outcome.failure?.code ?? "ok",
    errorMessage: (outcome.failure?.message ?? "").slice(0, MAX_ERROR_MESSAGE),
    promptSha256: createHash("sha256").update(prompt).digest("hex"),
    promptText: ctx.storePrompts ? prompt : null,
  };
}

/**
 * The text a record keeps of the conversation: the last user message, which
 * is what the tier decision is mostly about and what few-shot files hold.
 */
export function promptOf(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user") return messages[i]!.content;
  }
  return messages[messages.length - 1]?.content ?? "";
}

function attemptRecordOf(a: Attempt): AttemptRecord {
  return {
    deployment: a.deployment,
    model: a.model,
    tier: NAME_OF[a.tier],
    outcome: a.outcome === AttemptOutcome.SUCCESS ? "success" : a.outcome === AttemptOutcome.SKIPPED ? "skipped" : "failure",
    errorClass: a.errorClass === ErrorClass.UNSPECIFIED ? "" : lower(ErrorClass[a.errorClass]),
    latencyMs: a.latencyMs,
    httpStatus: a.httpStatus,
    startedAtMs: Math.floor(a.startedAt),
  };
}

function lower(name: string | undefined): string {
  return (name ?? "unspecified").toLowerCase();
}
