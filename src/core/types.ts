// Domain types shared by the core modules (policy, classifier, provider,
// usage, cache). Enums come from the proto so the core and the wire agree on
// one vocabulary; messages are plain objects because the core never builds
// protobuf messages (the server adapters convert at the edge).
import {
  AttemptOutcome,
  DecisionStage,
  ErrorClass,
  FinishReason,
  RoutingMode,
  Tier,
} from "../../gen/tierd/v1/router_pb.js";

export { AttemptOutcome, DecisionStage, ErrorClass, FinishReason, RoutingMode, Tier };

import type { RoutableTier } from "./tiers.js";

export { type RoutableTier, TIERS_CHEAPEST_FIRST } from "./tiers.js";

export type Role = "system" | "user" | "assistant" | "tool";

export interface ChatMessage {
  role: Role;
  /**
   * The message's text. With `parts`, the text parts joined by newlines:
   * what the classifier and the size rule read, so a message reads the
   * same whichever form the caller sent.
   */
  content: string;
  /** Set when the caller sent the content as parts (images beside text); sent upstream as parts. */
  parts?: ContentPart[];
  name?: string;
  toolCallId?: string;
  /** Assistant turns: the tool calls the model made. */
  toolCalls?: ToolCall[];
}

export type ImageDetail = "auto" | "low" | "high";

export type ContentPart = { type: "text"; text: string } | { type: "image"; url: string; detail?: ImageDetail };

/** A call the model made; `arguments` is JSON text exactly as the model wrote it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** JSON as parsed from a Struct: what tool parameters and output schemas are. */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: JsonObject;
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { function: string };

export interface JsonSchemaFormat {
  name: string;
  description?: string;
  schema: JsonObject;
  strict?: boolean;
}

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high";

export interface GenerationParams {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop: string[];
  responseFormat: "text" | "json_object" | "json_schema";
  /** Set exactly when responseFormat is json_schema. */
  jsonSchema?: JsonSchemaFormat;
  seed?: number;
  /** Absent or empty: no tools. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoningEffort?: ReasoningEffort;
  /** The end user's id for the provider's abuse monitoring. */
  user?: string;
}

export interface Caller {
  id: string;
  plan: string;
  metadata: Record<string, string>;
}

/** What the router is asked to decide on (Classify) or answer (Route). */
export interface ClassifyInput {
  requestId: string;
  messages: ChatMessage[];
  endpoint: string;
  caller: Caller;
  tierOverride?: RoutableTier;
  /** What the request will be sent with, when known (Classify may leave it out): rules see its tools. */
  params?: GenerationParams;
}

export interface CompletionRequest extends ClassifyInput {
  params: GenerationParams;
  cacheBypass: boolean;
  /** The caller chose requestId (it was not made by the server): it is then an idempotency key. */
  requestIdGiven?: boolean;
}

/**
 * A caller as its API key identifies it (src/callers): who it is and what it
 * may do. Absent when authentication is off.
 */
export interface Principal {
  callerId: string;
  plan: string;
  /** The key's label for logs, or its digest's first 8 hex digits; never the key. */
  keyName: string;
  admin: boolean;
  /** Endpoint patterns the key may call ("*" for all, a trailing * for a prefix). */
  endpoints: readonly string[];
  /** The highest tier the caller may use. */
  maxTier: RoutableTier;
  /** Names of the budgets its requests count against. */
  budgets: readonly string[];
  onBudgetExceeded: "downgrade" | "refuse";
  /** Name of its rate limit, if any. */
  rateLimit?: string;
}

/**
 * Per-call context handed down from the transport: the caller's
 * cancellation and the absolute deadline (epoch ms) when one was set.
 */
export interface CallContext {
  signal: AbortSignal;
  deadlineAt?: number;
  /** The authenticated caller, when authentication is on. */
  principal?: Principal;
}

export interface DecisionStep {
  stage: DecisionStage;
  tier: Tier;
  score: number;
  confidence: number;
  detail: string;
  latencyMs: number;
  decisive: boolean;
}

export interface TierChoice {
  tier: RoutableTier;
  score: number;
  confidence: number;
  decidedBy: DecisionStage;
  reason: string;
}

export interface Decision extends TierChoice {
  classifierLatencyMs: number;
  /** What the LLM classifier's call cost, in pico-USD; absent when it was not called (or answered from its cache). */
  classifierCostPicoUsd?: bigint;
  mode: RoutingMode;
  /** In shadow mode: what the router would have done. */
  shadow?: TierChoice;
  trace: DecisionStep[];
  /** Input tokens as the size rule counted them. */
  inputTokens: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  cacheWriteTokens: number;
  estimated: boolean;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  cacheWriteTokens: 0,
  estimated: false,
});

export interface Attempt {
  /** Wall-clock start, epoch ms with sub-ms precision (for spans and records). */
  startedAt: number;
  deployment: string;
  model: string;
  tier: RoutableTier;
  outcome: AttemptOutcome;
  errorClass: ErrorClass;
  latencyMs: number;
  httpStatus: number;
  detail: string;
  /** 0 for the first call to this deployment in the request, n for its nth retry. */
  retry?: number;
  /** Backoff slept before this attempt, in ms (0 for first calls and skips). */
  backoffMs?: number;
}

/** A finished completion, whatever produced it (upstream or cache). */
export interface Completion {
  content: string;
  /** The tool calls of the answer, in order; absent when there are none. */
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  tier: RoutableTier;
  deployment: string;
  model: string;
  attempts: Attempt[];
  usage: Usage;
  /** Exact cost in pico-USD (1e-12 USD). */
  costPicoUsd: bigint;
  cacheHit: boolean;
  /** Cache hits: what the original upstream answer cost, at today's prices (the hit itself costs 0). */
  cacheSavedPicoUsd?: bigint;
}

export interface RouteResult extends Completion {
  requestId: string;
  decision: Decision;
  latencyMs: number;
  /** The stored answer of an earlier request with the same request id: no model was called, nothing billed again. */
  replayed?: boolean;
}

export interface StreamSummary extends Completion {
  requestId: string;
  latencyMs: number;
  timeToFirstTokenMs: number;
  /** As RouteResult.replayed. */
  replayed?: boolean;
}

/** Events of a routed stream, in order: decision, deltas, summary. */
export type StreamEvent =
  | { kind: "decision"; decision: Decision }
  | { kind: "delta"; content: string }
  | ToolCallDeltaEvent
  | { kind: "summary"; summary: StreamSummary };

/** A piece of a streamed tool call: id and name in a call's first piece, arguments to append per index. */
export interface ToolCallDeltaEvent {
  kind: "tool_call";
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

export interface ClassifyResult {
  requestId: string;
  decision: Decision;
}
