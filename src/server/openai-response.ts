// tierd's answers in the shapes of OpenAI's Chat Completions API: a
// `chat.completion`, `chat.completion.chunk`s for SSE, and the error body.
// Each answer also carries a `tierd` object (the routing decision, what
// served it, what it cost); OpenAI SDKs ignore fields they do not know.
import type { ErrorCode } from "../core/errors.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { DecisionStage, FinishReason, type Completion, type Decision, type RouteResult, type StreamSummary, type ToolCall, type ToolCallDeltaEvent, type Usage } from "../core/types.js";
import { picoToUsd } from "../pricing/index.js";

const FINISH_OF: Record<FinishReason, string | null> = {
  [FinishReason.UNSPECIFIED]: null,
  [FinishReason.STOP]: "stop",
  [FinishReason.LENGTH]: "length",
  [FinishReason.CONTENT_FILTER]: "content_filter",
  [FinishReason.TOOL_CALLS]: "tool_calls",
};

export function completionId(requestId: string): string {
  return `chatcmpl-${requestId}`;
}

export function usageJson(u: Usage) {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

function toolCallsJson(calls: readonly ToolCall[]) {
  return calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } }));
}

/** What tierd adds to an answer; costs in pico-USD as strings (exact beyond 2^53). */
export function tierdJson(requestId: string, decision: Decision, served: Completion & { latencyMs: number; replayed?: boolean }) {
  return {
    request_id: requestId,
    decision: { tier: NAME_OF_TIER[decision.tier], decided_by: decisionStageName(decision), reason: decision.reason, score: decision.score, confidence: decision.confidence },
    tier: NAME_OF_TIER[served.tier],
    deployment: served.deployment,
    model: served.model,
    cost_usd: picoToUsd(served.costPicoUsd),
    cost_pico_usd: served.costPicoUsd.toString(),
    cache_hit: served.cacheHit,
    ...(served.replayed === true ? { replayed: true } : {}),
    latency_ms: served.latencyMs,
    attempts: served.attempts.map((a) => ({ deployment: a.deployment, tier: NAME_OF_TIER[a.tier], latency_ms: a.latencyMs, http_status: a.httpStatus, detail: a.detail })),
  };
}

/** DECISION_STAGE_LOCAL_CLASSIFIER -> "local_classifier". */
function decisionStageName(d: Decision): string {
  return (DecisionStage[d.decidedBy] ?? "UNSPECIFIED").toLowerCase();
}

export function chatCompletionJson(r: RouteResult, created: number) {
  const toolCalls = r.toolCalls ?? [];
  return {
    id: completionId(r.requestId),
    object: "chat.completion",
    created,
    model: r.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: toolCalls.length > 0 && r.content === "" ? null : r.content,
          refusal: null,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCallsJson(toolCalls) }),
        },
        logprobs: null,
        finish_reason: FINISH_OF[r.finishReason] ?? "stop",
      },
    ],
    usage: usageJson(r.usage),
    tierd: tierdJson(r.requestId, r.decision, r),
  };
}

/** Builds the chunks of one streamed answer; the first delta says the role, as OpenAI's do. */
export function chunkWriter(requestId: string, created: number, model: string) {
  const id = completionId(requestId);
  let first = true;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => {
    const d = first ? { role: "assistant", ...delta } : delta;
    first = false;
    return { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], ...extra };
  };
  return {
    content: (text: string) => chunk({ content: text }),
    toolCall: (e: ToolCallDeltaEvent) =>
      chunk({
        tool_calls: [
          {
            index: e.index,
            ...(e.id === undefined ? {} : { id: e.id, type: "function" }),
            function: { ...(e.name === undefined ? {} : { name: e.name }), arguments: e.arguments },
          },
        ],
      }),
    /** The last chunk with a choice: why it finished, and tierd's facts. */
    finish: (s: StreamSummary, decision: Decision) => chunk({}, FINISH_OF[s.finishReason] ?? "stop", { tierd: tierdJson(s.requestId, decision, s) }),
    /** stream_options.include_usage: no choices, the usage. */
    usage: (s: StreamSummary) => ({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageJson(s.usage) }),
  };
}

/** HTTP status and OpenAI error type per tierd error code: SDK retry logic keys on the status. */
export const HTTP_OF: Record<ErrorCode, { status: number; type: string }> = {
  invalid_argument: { status: 400, type: "invalid_request_error" },
  failed_precondition: { status: 400, type: "invalid_request_error" },
  unauthenticated: { status: 401, type: "authentication_error" },
  permission_denied: { status: 403, type: "permission_error" },
  not_found: { status: 404, type: "not_found_error" },
  already_exists: { status: 409, type: "invalid_request_error" },
  resource_exhausted: { status: 429, type: "rate_limit_error" },
  canceled: { status: 499, type: "request_cancelled" },
  internal: { status: 500, type: "server_error" },
  unimplemented: { status: 501, type: "server_error" },
  unavailable: { status: 503, type: "server_error" },
  deadline_exceeded: { status: 504, type: "timeout_error" },
};

export function errorJson(code: ErrorCode, message: string, param?: string) {
  return { error: { message, type: HTTP_OF[code].type, code, param: param ?? null } };
}
