// Proto <-> core conversion for RouterService, with the request checks that
// need the proto's vocabulary. Error messages name fields as the proto does.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ResponseFormat,
  Role as ProtoRole,
  Tier,
  type ChatMessage as ProtoChatMessage,
  type ClassifyRequest,
  type ClassifyResponseSchema,
  type DecisionSchema,
  type RouteRequest,
  type RouteResponseSchema,
  type StreamCompletionRequest,
  type StreamCompletionResponseSchema,
  type StreamFailureSchema,
  type UsageSchema,
  type AttemptSchema,
} from "../../gen/tierd/v1/router_pb.js";
import { invalidArgument } from "../core/errors.js";
import type { StreamFailureInfo } from "../core/errors.js";
import type {
  Attempt,
  Caller,
  ChatMessage,
  ClassifyInput,
  ClassifyResult,
  CompletionRequest,
  Decision,
  GenerationParams,
  RoutableTier,
  RouteResult,
  StreamEvent,
  Usage,
} from "../core/types.js";
import { picoToUsd } from "../pricing/index.js";

const ROLE_OF: Partial<Record<ProtoRole, ChatMessage["role"]>> = {
  [ProtoRole.SYSTEM]: "system",
  [ProtoRole.USER]: "user",
  [ProtoRole.ASSISTANT]: "assistant",
  [ProtoRole.TOOL]: "tool",
};

/** Defaults the transport fills in for a caller that sent none. */
export interface RequestDefaults {
  newRequestId: () => string;
}

const MAX_REQUEST_ID = 128;
const MAX_ENDPOINT = 256;
const MAX_CALLER_NAME = 128;
/** C0 controls and DEL: never part of a name, and U+0000 is one PostgreSQL cannot store. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_STOP_SEQUENCES = 4;

export function classifyInputOf(req: ClassifyRequest, defaults: RequestDefaults): ClassifyInput {
  return {
    requestId: requestIdOf(req.requestId, defaults),
    messages: messagesOf(req.messages),
    endpoint: endpointOf(req.endpoint),
    caller: callerOf(req.caller),
    ...tierOverrideOf(req.tierOverride),
  };
}

export function completionRequestOf(req: RouteRequest | StreamCompletionRequest, defaults: RequestDefaults): CompletionRequest {
  return {
    requestId: requestIdOf(req.requestId, defaults),
    messages: messagesOf(req.messages),
    endpoint: endpointOf(req.endpoint),
    caller: callerOf(req.caller),
    ...tierOverrideOf(req.tierOverride),
    params: paramsOf(req.params),
    cacheBypass: req.cacheBypass,
  };
}

function requestIdOf(id: string, defaults: RequestDefaults): string {
  if (id === "") return defaults.newRequestId();
  if (id.length > MAX_REQUEST_ID || !/^[\x21-\x7e]+$/.test(id)) {
    throw invalidArgument("request_id", `must be 1-${MAX_REQUEST_ID} printable ASCII characters without spaces`);
  }
  return id;
}

function endpointOf(endpoint: string): string {
  return nameOf("endpoint", endpoint, MAX_ENDPOINT);
}

/** Names that rules match and reports group by: bounded, and free of control characters. */
function nameOf(field: string, value: string, max: number): string {
  if (value.length > max) throw invalidArgument(field, `must be at most ${max} characters`);
  if (CONTROL.test(value)) throw invalidArgument(field, "must not contain control characters");
  return value;
}

function messagesOf(messages: ProtoChatMessage[]): ChatMessage[] {
  if (messages.length === 0) throw invalidArgument("messages", "at least one message is required");
  return messages.map((m, i) => {
    const role = ROLE_OF[m.role];
    if (role === undefined) {
      throw invalidArgument(`messages[${i}].role`, `must be one of ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT, ROLE_TOOL (got ${ProtoRole[m.role] ?? m.role})`);
    }
    if (m.content === "" && role !== "assistant") throw invalidArgument(`messages[${i}].content`, "must not be empty");
    if (role === "tool" && m.toolCallId === "") throw invalidArgument(`messages[${i}].tool_call_id`, "is required for ROLE_TOOL messages");
    const out: ChatMessage = { role, content: m.content };
    if (m.name !== "") out.name = m.name;
    if (m.toolCallId !== "") out.toolCallId = m.toolCallId;
    return out;
  });
}

function callerOf(caller: ClassifyRequest["caller"]): Caller {
  return {
    id: nameOf("caller.id", caller?.id ?? "", MAX_CALLER_NAME),
    plan: nameOf("caller.plan", caller?.plan ?? "", MAX_CALLER_NAME),
    metadata: { ...(caller?.metadata ?? {}) },
  };
}

function tierOverrideOf(tier: Tier): { tierOverride?: RoutableTier } {
  if (tier === Tier.UNSPECIFIED) return {};
  if (tier === Tier.NANO || tier === Tier.MID || tier === Tier.FRONTIER) return { tierOverride: tier };
  throw invalidArgument("tier_override", `unknown tier ${tier}; use TIER_NANO, TIER_MID or TIER_FRONTIER`);
}

function paramsOf(params: RouteRequest["params"]): GenerationParams {
  const out: GenerationParams = { stop: [], responseFormat: "text" };
  if (params === undefined) return out;
  if (params.maxOutputTokens !== undefined) {
    if (params.maxOutputTokens <= 0) throw invalidArgument("params.max_output_tokens", `must be positive, got ${params.maxOutputTokens}`);
    out.maxOutputTokens = params.maxOutputTokens;
  }
  if (params.temperature !== undefined) {
    if (!(params.temperature >= 0 && params.temperature <= 2)) throw invalidArgument("params.temperature", `must be in [0, 2], got ${params.temperature}`);
    out.temperature = params.temperature;
  }
  if (params.topP !== undefined) {
    if (!(params.topP > 0 && params.topP <= 1)) throw invalidArgument("params.top_p", `must be in (0, 1], got ${params.topP}`);
    out.topP = params.topP;
  }
  if (params.stop.length > MAX_STOP_SEQUENCES) throw invalidArgument("params.stop", `at most ${MAX_STOP_SEQUENCES} sequences`);
  params.stop.forEach((s, i) => {
    if (s === "") throw invalidArgument(`params.stop[${i}]`, "must not be empty");
  });
  out.stop = [...params.stop];
  switch (params.responseFormat) {
    case ResponseFormat.UNSPECIFIED:
    case ResponseFormat.TEXT:
      break;
    case ResponseFormat.JSON_OBJECT:
      out.responseFormat = "json_object";
      break;
    default:
      throw invalidArgument("params.response_format", `unknown format ${params.responseFormat}`);
  }
  if (params.seed !== undefined) out.seed = Number(params.seed);
  return out;
}

export function decisionToProto(d: Decision): MessageInitShape<typeof DecisionSchema> {
  return {
    tier: d.tier,
    score: d.score,
    confidence: d.confidence,
    decidedBy: d.decidedBy,
    reason: d.reason,
    classifierLatencyMs: d.classifierLatencyMs,
    classifierCostPicoUsd: d.classifierCostPicoUsd ?? 0n,
    mode: d.mode,
    ...(d.shadow ? { shadow: { ...d.shadow } } : {}),
    trace: d.trace.map((s) => ({ ...s })),
  };
}

export function usageToProto(u: Usage): MessageInitShape<typeof UsageSchema> {
  return { ...u };
}

export function attemptToProto(a: Attempt): MessageInitShape<typeof AttemptSchema> {
  return {
    deployment: a.deployment,
    model: a.model,
    tier: a.tier,
    outcome: a.outcome,
    errorClass: a.errorClass,
    latencyMs: a.latencyMs,
    httpStatus: a.httpStatus,
    detail: a.detail,
  };
}

export function classifyResponseOf(r: ClassifyResult): MessageInitShape<typeof ClassifyResponseSchema> {
  return { decision: decisionToProto(r.decision), inputTokens: r.decision.inputTokens, requestId: r.requestId };
}

export function routeResponseOf(r: RouteResult): MessageInitShape<typeof RouteResponseSchema> {
  return {
    content: r.content,
    finishReason: r.finishReason,
    decision: decisionToProto(r.decision),
    tier: r.tier,
    deployment: r.deployment,
    model: r.model,
    attempts: r.attempts.map(attemptToProto),
    usage: usageToProto(r.usage),
    costUsd: picoToUsd(r.costPicoUsd),
    costPicoUsd: r.costPicoUsd,
    cacheHit: r.cacheHit,
    latencyMs: r.latencyMs,
    requestId: r.requestId,
  };
}

export function streamResponseOf(e: StreamEvent): MessageInitShape<typeof StreamCompletionResponseSchema> {
  switch (e.kind) {
    case "decision":
      return { event: { case: "decision", value: decisionToProto(e.decision) } };
    case "delta":
      return { event: { case: "delta", value: { content: e.content } } };
    case "summary": {
      const s = e.summary;
      return {
        event: {
          case: "summary",
          value: {
            finishReason: s.finishReason,
            tier: s.tier,
            deployment: s.deployment,
            model: s.model,
            attempts: s.attempts.map(attemptToProto),
            usage: usageToProto(s.usage),
            costUsd: picoToUsd(s.costPicoUsd),
            costPicoUsd: s.costPicoUsd,
            cacheHit: s.cacheHit,
            latencyMs: s.latencyMs,
            timeToFirstTokenMs: s.timeToFirstTokenMs,
            requestId: s.requestId,
          },
        },
      };
    }
  }
}

export function streamFailureToProto(f: StreamFailureInfo): MessageInitShape<typeof StreamFailureSchema> {
  return {
    deliveredDeltas: f.deliveredDeltas,
    deliveredChars: f.deliveredChars,
    deliveredTokens: f.deliveredTokens,
    usage: usageToProto(f.usage),
    costPicoUsd: f.costPicoUsd,
    requestId: f.requestId,
  };
}
