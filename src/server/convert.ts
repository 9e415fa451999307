// Proto <-> core conversion for RouterService, with the request checks that
// need the proto's vocabulary. Error messages name fields as the proto does.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ImageDetail as ProtoImageDetail,
  ReasoningEffort as ProtoReasoningEffort,
  ResponseFormat,
  Role as ProtoRole,
  Tier,
  ToolChoiceMode,
  type ContentPart as ProtoContentPart,
  type ToolCall as ProtoToolCall,
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
  ContentPart,
  ImageDetail,
  ReasoningEffort,
  ToolCall,
  ToolDefinition,
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
/** OpenAI's limits: 128 tools, names of letters, digits, _ and -, up to 64. */
const MAX_TOOLS = 128;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_USER = 256;
const IMAGE_URL = /^(https?:\/\/|data:image\/[a-z0-9.+-]+;base64,)/i;

const DETAIL_OF: Record<ProtoImageDetail, ImageDetail | undefined> = {
  [ProtoImageDetail.UNSPECIFIED]: undefined,
  [ProtoImageDetail.AUTO]: "auto",
  [ProtoImageDetail.LOW]: "low",
  [ProtoImageDetail.HIGH]: "high",
};

const EFFORT_OF: Record<ProtoReasoningEffort, ReasoningEffort | undefined> = {
  [ProtoReasoningEffort.UNSPECIFIED]: undefined,
  [ProtoReasoningEffort.NONE]: "none",
  [ProtoReasoningEffort.MINIMAL]: "minimal",
  [ProtoReasoningEffort.LOW]: "low",
  [ProtoReasoningEffort.MEDIUM]: "medium",
  [ProtoReasoningEffort.HIGH]: "high",
};

export function classifyInputOf(req: ClassifyRequest, defaults: RequestDefaults): ClassifyInput {
  return {
    requestId: requestIdOf(req.requestId, defaults),
    messages: messagesOf(req.messages),
    endpoint: endpointOf(req.endpoint),
    caller: callerOf(req.caller),
    ...tierOverrideOf(req.tierOverride),
    ...(req.params === undefined ? {} : { params: paramsOf(req.params) }),
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
    ...(req.requestId === "" ? {} : { requestIdGiven: true }),
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
    const at = `messages[${i}]`;
    const role = ROLE_OF[m.role];
    if (role === undefined) {
      throw invalidArgument(`${at}.role`, `must be one of ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT, ROLE_TOOL (got ${ProtoRole[m.role] ?? m.role})`);
    }
    if (m.parts.length > 0 && m.content !== "") throw invalidArgument(`${at}`, "set content or parts, not both");
    const parts = m.parts.length > 0 ? partsOf(m.parts, role, at) : undefined;
    const content = parts === undefined ? m.content : parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
    const toolCalls = m.toolCalls.length > 0 ? toolCallsOf(m.toolCalls, role, at) : undefined;
    // An assistant turn may be only tool calls; an image-only user turn is a question too.
    if (content === "" && role !== "assistant" && parts === undefined) throw invalidArgument(`${at}.content`, "must not be empty");
    if (role === "tool" && m.toolCallId === "") throw invalidArgument(`${at}.tool_call_id`, "is required for ROLE_TOOL messages");
    const out: ChatMessage = { role, content };
    if (parts !== undefined) out.parts = parts;
    if (m.name !== "") out.name = m.name;
    if (m.toolCallId !== "") out.toolCallId = m.toolCallId;
    if (toolCalls !== undefined) out.toolCalls = toolCalls;
    return out;
  });
}

function partsOf(parts: ProtoContentPart[], role: ChatMessage["role"], at: string): ContentPart[] {
  return parts.map((p, j) => {
    const field = `${at}.parts[${j}]`;
    switch (p.part.case) {
      case "text":
        if (p.part.value === "") throw invalidArgument(`${field}.text`, "must not be empty");
        return { type: "text", text: p.part.value };
      case "image": {
        if (role !== "user") throw invalidArgument(`${field}.image`, "images are allowed in ROLE_USER messages only");
        const { url, detail } = p.part.value;
        if (!IMAGE_URL.test(url)) throw invalidArgument(`${field}.image.url`, "must be an http(s) URL or a data:image/...;base64, URL");
        const d = DETAIL_OF[detail];
        if (!(detail in DETAIL_OF)) throw invalidArgument(`${field}.image.detail`, `unknown detail ${detail}`);
        return d === undefined ? { type: "image", url } : { type: "image", url, detail: d };
      }
      default:
        throw invalidArgument(field, "set text or image");
    }
  });
}

function toolCallsOf(calls: ProtoToolCall[], role: ChatMessage["role"], at: string): ToolCall[] {
  if (role !== "assistant") throw invalidArgument(`${at}.tool_calls`, "only ROLE_ASSISTANT messages carry tool calls");
  return calls.map((c, j) => {
    if (c.id === "") throw invalidArgument(`${at}.tool_calls[${j}].id`, "is required");
    if (!FUNCTION_NAME.test(c.name)) throw invalidArgument(`${at}.tool_calls[${j}].name`, "must be 1-64 letters, digits, _ or -");
    return { id: c.id, name: c.name, arguments: c.arguments };
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
    case ResponseFormat.JSON_SCHEMA: {
      const js = params.jsonSchema;
      if (js === undefined) throw invalidArgument("params.json_schema", "is required with RESPONSE_FORMAT_JSON_SCHEMA");
      if (!FUNCTION_NAME.test(js.name)) throw invalidArgument("params.json_schema.name", "must be 1-64 letters, digits, _ or -");
      if (js.schema === undefined) throw invalidArgument("params.json_schema.schema", "is required");
      out.responseFormat = "json_schema";
      out.jsonSchema = { name: js.name, schema: js.schema, ...(js.description === "" ? {} : { description: js.description }), ...(js.strict ? { strict: true } : {}) };
      break;
    }
    default:
      throw invalidArgument("params.response_format", `unknown format ${params.responseFormat}`);
  }
  if (params.jsonSchema !== undefined && out.responseFormat !== "json_schema") {
    throw invalidArgument("params.json_schema", "is set but response_format is not RESPONSE_FORMAT_JSON_SCHEMA");
  }
  if (params.seed !== undefined) out.seed = Number(params.seed);
  if (params.tools.length > 0) out.tools = toolsOf(params.tools);
  const choice = params.toolChoice?.choice;
  if (choice?.case === "mode" && choice.value !== ToolChoiceMode.UNSPECIFIED) {
    const mode = ({ [ToolChoiceMode.AUTO]: "auto", [ToolChoiceMode.NONE]: "none", [ToolChoiceMode.REQUIRED]: "required" } as const)[choice.value];
    if (mode === undefined) throw invalidArgument("params.tool_choice.mode", `unknown mode ${choice.value}`);
    if (mode === "required" && out.tools === undefined) throw invalidArgument("params.tool_choice", "TOOL_CHOICE_MODE_REQUIRED needs params.tools");
    out.toolChoice = mode;
  } else if (choice?.case === "function") {
    if (out.tools?.some((t) => t.name === choice.value) !== true) throw invalidArgument("params.tool_choice.function", `"${choice.value}" is not one of params.tools`);
    out.toolChoice = { function: choice.value };
  }
  if (params.parallelToolCalls !== undefined) out.parallelToolCalls = params.parallelToolCalls;
  if (!(params.reasoningEffort in EFFORT_OF)) throw invalidArgument("params.reasoning_effort", `unknown effort ${params.reasoningEffort}`);
  const effort = EFFORT_OF[params.reasoningEffort];
  if (effort !== undefined) out.reasoningEffort = effort;
  if (params.user !== "") out.user = nameOf("params.user", params.user, MAX_USER);
  return out;
}

function toolsOf(tools: NonNullable<RouteRequest["params"]>["tools"]): ToolDefinition[] {
  if (tools.length > MAX_TOOLS) throw invalidArgument("params.tools", `at most ${MAX_TOOLS} tools`);
  const seen = new Set<string>();
  return tools.map((t, i) => {
    if (!FUNCTION_NAME.test(t.name)) throw invalidArgument(`params.tools[${i}].name`, "must be 1-64 letters, digits, _ or -");
    if (seen.has(t.name)) throw invalidArgument(`params.tools[${i}].name`, `"${t.name}" is defined twice`);
    seen.add(t.name);
    const out: ToolDefinition = { name: t.name };
    if (t.description !== "") out.description = t.description;
    if (t.parameters !== undefined) out.parameters = t.parameters;
    if (t.strict) out.strict = true;
    return out;
  });
}

function toolCallsToProto(calls: readonly ToolCall[] | undefined): ToolCall[] {
  return calls === undefined ? [] : calls.map((c) => ({ ...c }));
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
    toolCalls: toolCallsToProto(r.toolCalls),
    replayed: r.replayed === true,
  };
}

export function streamResponseOf(e: StreamEvent): MessageInitShape<typeof StreamCompletionResponseSchema> {
  switch (e.kind) {
    case "decision":
      return { event: { case: "decision", value: decisionToProto(e.decision) } };
    case "delta":
      return { event: { case: "delta", value: { content: e.content } } };
    case "tool_call":
      return { event: { case: "toolCallDelta", value: { index: e.index, id: e.id ?? "", name: e.name ?? "", arguments: e.arguments } } };
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
            toolCalls: toolCallsToProto(s.toolCalls),
            replayed: s.replayed === true,
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
