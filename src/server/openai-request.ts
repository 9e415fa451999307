// An OpenAI Chat Completions request body, read into the RouteRequest the
// RPCs take. The body is mapped field by field onto the proto message and
// then goes through the same conversion and checks as Route
// (convert.ts), so the HTTP API and the RPCs validate alike. What tierd
// cannot pass on is refused with the parameter's name, never dropped in
// silence; parameters that do not change the answer are accepted and noted.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ImageDetail,
  ReasoningEffort,
  ResponseFormat,
  Role,
  RouteRequestSchema,
  Tier,
  ToolChoiceMode,
  type ChatMessageSchema,
  type ContentPartSchema,
  type GenerationParamsSchema,
  type ToolSchema,
} from "../../gen/tierd/v1/router_pb.js";
import { TierdError } from "../core/errors.js";
import type { CompletionRequest, JsonObject } from "../core/types.js";
import { completionRequestOf, type RequestDefaults } from "./convert.js";

/** The `model` names that route: the router decides, or a tier is asked for. */
export const ROUTING_MODELS = ["tierd/auto", "auto", "nano", "mid", "frontier", "tierd/nano", "tierd/mid", "tierd/frontier"] as const;

const TIER_OF_MODEL: Record<string, Tier> = {
  "tierd/auto": Tier.UNSPECIFIED,
  auto: Tier.UNSPECIFIED,
  nano: Tier.NANO,
  mid: Tier.MID,
  frontier: Tier.FRONTIER,
  "tierd/nano": Tier.NANO,
  "tierd/mid": Tier.MID,
  "tierd/frontier": Tier.FRONTIER,
};

/** Headers that carry what the RPCs have fields for. */
export const TIERD_HEADERS = {
  endpoint: "x-tierd-endpoint",
  plan: "x-tierd-plan",
  caller: "x-tierd-caller",
  requestId: "x-tierd-request-id",
  cacheBypass: "x-tierd-cache-bypass",
} as const;

/** `metadata` keys read as the same facts when the header is absent (OpenAI SDKs pass metadata through). */
const METADATA_KEYS = { endpoint: "tierd_endpoint", plan: "tierd_plan", caller: "tierd_caller" } as const;

/**
 * Accepted and not sent upstream: they do not change the answer (storage,
 * billing tier and cache hints of OpenAI's own platform).
 */
const IGNORED = new Set(["store", "service_tier", "prompt_cache_key", "safety_identifier"]);

/** Refused unless absent or at their default: tierd has no way to pass them on. */
const UNSUPPORTED_UNLESS_DEFAULT: Record<string, (v: unknown) => boolean> = {
  n: (v) => v === 1,
  frequency_penalty: (v) => v === 0,
  presence_penalty: (v) => v === 0,
  logit_bias: (v) => typeof v === "object" && v !== null && Object.keys(v).length === 0,
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === "text",
  audio: () => false,
  prediction: () => false,
  web_search_options: () => false,
  functions: () => false,
  function_call: () => false,
  verbosity: () => false,
};

const KNOWN = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "response_format",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
  "user",
  "metadata",
]);

export interface ChatCompletionCall {
  request: CompletionRequest;
  stream: boolean;
  /** stream_options.include_usage: a last chunk with usage. */
  includeUsage: boolean;
  /** The `model` the caller sent, echoed where OpenAI echoes it. */
  requestedModel: string;
}

type Headers = Record<string, string | string[] | undefined>;

/** The request, or a TierdError (invalid_argument, `field` = the OpenAI parameter). */
export function chatCompletionCallOf(body: unknown, headers: Headers, defaults: RequestDefaults): ChatCompletionCall {
  const b = objectAt(body, "body");
  for (const key of Object.keys(b)) {
    const value = b[key];
    if (value === null || value === undefined || KNOWN.has(key) || IGNORED.has(key)) continue;
    const isDefault = UNSUPPORTED_UNLESS_DEFAULT[key];
    if (isDefault === undefined) throw bad(key, `unknown parameter "${key}"`);
    if (!isDefault(value)) throw bad(key, `tierd does not support "${key}" (send it unset or at its default)`);
  }
  const model = stringAt(b.model, "model");
  const tier = TIER_OF_MODEL[model];
  if (tier === undefined) throw bad("model", `unknown model "${model}": use one of ${ROUTING_MODELS.join(", ")} (auto lets tierd choose the tier; a tier name asks for that tier)`);
  const metadata = b.metadata === undefined || b.metadata === null ? {} : stringMap(b.metadata, "metadata");
  const fact = (header: string, key: string) => headerOf(headers, header) ?? metadata[key] ?? "";
  const init: MessageInitShape<typeof RouteRequestSchema> = {
    messages: arrayAt(b.messages, "messages").map((m, i) => messageOf(m, `messages[${i}]`)),
    endpoint: fact(TIERD_HEADERS.endpoint, METADATA_KEYS.endpoint),
    caller: { id: fact(TIERD_HEADERS.caller, METADATA_KEYS.caller), plan: fact(TIERD_HEADERS.plan, METADATA_KEYS.plan), metadata: withoutTierdKeys(metadata) },
    tierOverride: tier,
    params: paramsOf(b),
    cacheBypass: headerOf(headers, TIERD_HEADERS.cacheBypass) === "true",
    // Idempotency-Key is the name Stripe and the IETF draft use; either makes the request idempotent.
    requestId: headerOf(headers, TIERD_HEADERS.requestId) ?? headerOf(headers, "idempotency-key") ?? "",
  };
  const stream = b.stream === undefined || b.stream === null ? false : booleanAt(b.stream, "stream");
  const options = b.stream_options === undefined || b.stream_options === null ? {} : objectAt(b.stream_options, "stream_options");
  if (!stream && Object.keys(options).length > 0) throw bad("stream_options", "is only allowed with stream: true");
  return {
    request: completionRequestOf(create(RouteRequestSchema, init), defaults),
    stream,
    includeUsage: options.include_usage === undefined || options.include_usage === null ? false : booleanAt(options.include_usage, "stream_options.include_usage"),
    requestedModel: model,
  };
}

const ROLE_OF: Record<string, Role> = { system: Role.SYSTEM, developer: Role.SYSTEM, user: Role.USER, assistant: Role.ASSISTANT, tool: Role.TOOL };

function messageOf(raw: unknown, at: string): MessageInitShape<typeof ChatMessageSchema> {
  const m = objectAt(raw, at);
  const roleName = stringAt(m.role, `${at}.role`);
  const role = ROLE_OF[roleName];
  if (role === undefined) throw bad(`${at}.role`, `unknown role "${roleName}": use system, developer, user, assistant or tool`);
  const out: MessageInitShape<typeof ChatMessageSchema> = { role };
  if (typeof m.content === "string") out.content = m.content;
  else if (Array.isArray(m.content)) out.parts = m.content.map((p, j) => partOf(p, `${at}.content[${j}]`));
  else if (m.content !== null && m.content !== undefined) throw bad(`${at}.content`, "must be a string or an array of content parts");
  if (m.name !== undefined && m.name !== null) out.name = stringAt(m.name, `${at}.name`);
  if (m.tool_call_id !== undefined && m.tool_call_id !== null) out.toolCallId = stringAt(m.tool_call_id, `${at}.tool_call_id`);
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    out.toolCalls = arrayAt(m.tool_calls, `${at}.tool_calls`).map((c, j) => {
      const call = objectAt(c, `${at}.tool_calls[${j}]`);
      if (call.type !== undefined && call.type !== "function") throw bad(`${at}.tool_calls[${j}].type`, 'only "function" tool calls are supported');
      const fn = objectAt(call.function, `${at}.tool_calls[${j}].function`);
      return { id: stringAt(call.id, `${at}.tool_calls[${j}].id`), name: stringAt(fn.name, `${at}.tool_calls[${j}].function.name`), arguments: stringAt(fn.arguments ?? "", `${at}.tool_calls[${j}].function.arguments`) };
    });
  }
  return out;
}

const DETAIL_OF: Record<string, ImageDetail> = { auto: ImageDetail.AUTO, low: ImageDetail.LOW, high: ImageDetail.HIGH };

function partOf(raw: unknown, at: string): MessageInitShape<typeof ContentPartSchema> {
  const p = objectAt(raw, at);
  switch (p.type) {
    case "text":
      return { part: { case: "text", value: stringAt(p.text, `${at}.text`) } };
    case "image_url": {
      const image = objectAt(p.image_url, `${at}.image_url`);
      const detailName = image.detail === undefined || image.detail === null ? undefined : stringAt(image.detail, `${at}.image_url.detail`);
      const detail = detailName === undefined ? ImageDetail.UNSPECIFIED : DETAIL_OF[detailName];
      if (detail === undefined) throw bad(`${at}.image_url.detail`, `unknown detail "${detailName}": use auto, low or high`);
      return { part: { case: "image", value: { url: stringAt(image.url, `${at}.image_url.url`), detail } } };
    }
    case "refusal":
      // An assistant turn's refusal is its text, as far as the conversation goes.
      return { part: { case: "text", value: stringAt(p.refusal, `${at}.refusal`) } };
    default:
      throw bad(`${at}.type`, `content part type ${JSON.stringify(p.type)} is not supported: use text or image_url`);
  }
}

const EFFORT_OF: Record<string, ReasoningEffort> = {
  none: ReasoningEffort.NONE,
  minimal: ReasoningEffort.MINIMAL,
  low: ReasoningEffort.LOW,
  medium: ReasoningEffort.MEDIUM,
  high: ReasoningEffort.HIGH,
};

function paramsOf(b: Record<string, unknown>): MessageInitShape<typeof GenerationParamsSchema> {
  const out: MessageInitShape<typeof GenerationParamsSchema> = {};
  const given = (key: string) => b[key] !== undefined && b[key] !== null;
  if (given("max_tokens") && given("max_completion_tokens")) throw bad("max_completion_tokens", "send max_tokens or max_completion_tokens, not both");
  const maxKey = given("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
  if (given(maxKey)) out.maxOutputTokens = intAt(b[maxKey], maxKey);
  if (given("temperature")) out.temperature = numberAt(b.temperature, "temperature");
  if (given("top_p")) out.topP = numberAt(b.top_p, "top_p");
  if (given("stop")) out.stop = typeof b.stop === "string" ? [b.stop] : arrayAt(b.stop, "stop").map((s, i) => stringAt(s, `stop[${i}]`));
  if (given("seed")) out.seed = BigInt(intAt(b.seed, "seed", true));
  if (given("user")) out.user = stringAt(b.user, "user");
  if (given("parallel_tool_calls")) out.parallelToolCalls = booleanAt(b.parallel_tool_calls, "parallel_tool_calls");
  if (given("reasoning_effort")) {
    const name = stringAt(b.reasoning_effort, "reasoning_effort");
    const effort = EFFORT_OF[name];
    if (effort === undefined) throw bad("reasoning_effort", `unknown effort "${name}": use ${Object.keys(EFFORT_OF).join(", ")}`);
    out.reasoningEffort = effort;
  }
  if (given("tools")) out.tools = arrayAt(b.tools, "tools").map((t, i) => toolOf(t, `tools[${i}]`));
  if (given("tool_choice")) out.toolChoice = toolChoiceOf(b.tool_choice);
  if (given("response_format")) Object.assign(out, responseFormatOf(objectAt(b.response_format, "response_format")));
  return out;
}

function toolOf(raw: unknown, at: string): MessageInitShape<typeof ToolSchema> {
  const t = objectAt(raw, at);
  if (t.type !== "function") throw bad(`${at}.type`, 'only "function" tools are supported');
  const fn = objectAt(t.function, `${at}.function`);
  const out: MessageInitShape<typeof ToolSchema> = { name: stringAt(fn.name, `${at}.function.name`) };
  if (fn.description !== undefined && fn.description !== null) out.description = stringAt(fn.description, `${at}.function.description`);
  if (fn.parameters !== undefined && fn.parameters !== null) out.parameters = objectAt(fn.parameters, `${at}.function.parameters`) as JsonObject;
  if (fn.strict !== undefined && fn.strict !== null) out.strict = booleanAt(fn.strict, `${at}.function.strict`);
  return out;
}

function toolChoiceOf(raw: unknown): MessageInitShape<typeof GenerationParamsSchema>["toolChoice"] {
  const MODES: Record<string, ToolChoiceMode> = { auto: ToolChoiceMode.AUTO, none: ToolChoiceMode.NONE, required: ToolChoiceMode.REQUIRED };
  if (typeof raw === "string") {
    const mode = MODES[raw];
    if (mode === undefined) throw bad("tool_choice", `unknown tool_choice "${raw}": use auto, none, required or {"type":"function","function":{"name":...}}`);
    return { choice: { case: "mode", value: mode } };
  }
  const c = objectAt(raw, "tool_choice");
  if (c.type !== "function") throw bad("tool_choice.type", 'only "function" is supported');
  return { choice: { case: "function", value: stringAt(objectAt(c.function, "tool_choice.function").name, "tool_choice.function.name") } };
}

function responseFormatOf(f: Record<string, unknown>): Pick<MessageInitShape<typeof GenerationParamsSchema>, "responseFormat" | "jsonSchema"> {
  switch (f.type) {
    case "text":
      return { responseFormat: ResponseFormat.TEXT };
    case "json_object":
      return { responseFormat: ResponseFormat.JSON_OBJECT };
    case "json_schema": {
      const js = objectAt(f.json_schema, "response_format.json_schema");
      return {
        responseFormat: ResponseFormat.JSON_SCHEMA,
        jsonSchema: {
          name: stringAt(js.name, "response_format.json_schema.name"),
          ...(js.description === undefined || js.description === null ? {} : { description: stringAt(js.description, "response_format.json_schema.description") }),
          schema: objectAt(js.schema, "response_format.json_schema.schema") as JsonObject,
          ...(js.strict === undefined || js.strict === null ? {} : { strict: booleanAt(js.strict, "response_format.json_schema.strict") }),
        },
      };
    }
    default:
      throw bad("response_format.type", `unknown response format ${JSON.stringify(f.type)}: use text, json_object or json_schema`);
  }
}

function headerOf(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === "" ? undefined : s;
}

function withoutTierdKeys(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!Object.values<string>(METADATA_KEYS).includes(k)) out[k] = v;
  return out;
}

function bad(field: string, message: string): TierdError {
  return new TierdError("invalid_argument", `${field}: ${message}`, { field });
}

function objectAt(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(at, "must be a JSON object");
  return v as Record<string, unknown>;
}

function arrayAt(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw bad(at, "must be an array");
  return v;
}

function stringAt(v: unknown, at: string): string {
  if (typeof v !== "string") throw bad(at, "must be a string");
  return v;
}

function booleanAt(v: unknown, at: string): boolean {
  if (typeof v !== "boolean") throw bad(at, "must be true or false");
  return v;
}

function numberAt(v: unknown, at: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(at, "must be a number");
  return v;
}

function intAt(v: unknown, at: string, signed = false): number {
  const n = numberAt(v, at);
  if (!Number.isSafeInteger(n) || (!signed && n < 0) || (!signed && n > 2 ** 31 - 1)) throw bad(at, signed ? "must be an integer" : "must be a non-negative integer");
  return n;
}

function stringMap(v: unknown, at: string): Record<string, string> {
  const o = objectAt(v, at);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(o)) out[k] = stringAt(value, `${at}.${k}`);
  return out;
}
