// The Chat Completions request body for one deployment.
import type {
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { DeploymentConfig } from "../config/index.js";
import type { ChatMessage, CompletionRequest, ContentPart } from "../core/types.js";

export type MaxTokensParam = NonNullable<DeploymentConfig["max_tokens_param"]>;

/** o1, o1-mini, o3, o3-pro, o4-mini..., with or without a gateway prefix ("openai/o3"). */
const O_SERIES = /^o\d+(-|$)/i;

/**
 * The output-limit parameter a deployment takes. OpenAI's API reference
 * (openai-node, ChatCompletionCreateParams.max_tokens) says `max_tokens` "is
 * not compatible with o-series models", which want `max_completion_tokens`;
 * many other OpenAI-compatible servers only know `max_tokens`. The
 * deployment's `max_tokens_param` overrides this guess.
 */
export function maxTokensParamOf(deployment: Pick<DeploymentConfig, "model" | "max_tokens_param">): MaxTokensParam {
  if (deployment.max_tokens_param !== undefined) return deployment.max_tokens_param;
  const lastSegment = deployment.model.slice(deployment.model.lastIndexOf("/") + 1);
  return O_SERIES.test(lastSegment) ? "max_completion_tokens" : "max_tokens";
}

/** The body of one Chat Completions call, typed as the openai SDK's request. */
export function chatBody(request: CompletionRequest, deployment: Pick<DeploymentConfig, "model" | "max_tokens_param">, stream: false): ChatCompletionCreateParamsNonStreaming;
export function chatBody(request: CompletionRequest, deployment: Pick<DeploymentConfig, "model" | "max_tokens_param">, stream: true): ChatCompletionCreateParamsStreaming;
export function chatBody(request: CompletionRequest, deployment: Pick<DeploymentConfig, "model" | "max_tokens_param">, stream: boolean): ChatCompletionCreateParams {
  const p = request.params;
  const body: ChatCompletionCreateParams = {
    model: deployment.model,
    messages: request.messages.map(toOpenAIMessage),
    stream,
  };
  if (stream) body.stream_options = { include_usage: true };
  if (p.maxOutputTokens !== undefined) body[maxTokensParamOf(deployment)] = p.maxOutputTokens;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.topP !== undefined) body.top_p = p.topP;
  if (p.stop.length > 0) body.stop = p.stop;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.responseFormat === "json_object") body.response_format = { type: "json_object" };
  if (p.responseFormat === "json_schema" && p.jsonSchema !== undefined) {
    const js = p.jsonSchema;
    body.response_format = {
      type: "json_schema",
      json_schema: { name: js.name, schema: js.schema, ...(js.description === undefined ? {} : { description: js.description }), ...(js.strict === undefined ? {} : { strict: js.strict }) },
    };
  }
  if (p.tools !== undefined && p.tools.length > 0) {
    body.tools = p.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description === undefined ? {} : { description: t.description }),
        ...(t.parameters === undefined ? {} : { parameters: t.parameters }),
        ...(t.strict === undefined ? {} : { strict: t.strict }),
      },
    }));
  }
  if (p.toolChoice !== undefined) body.tool_choice = typeof p.toolChoice === "string" ? p.toolChoice : { type: "function", function: { name: p.toolChoice.function } };
  if (p.parallelToolCalls !== undefined) body.parallel_tool_calls = p.parallelToolCalls;
  if (p.reasoningEffort !== undefined) body.reasoning_effort = p.reasoningEffort;
  if (p.user !== undefined) body.user = p.user;
  return body;
}

function toOpenAIMessage(m: ChatMessage): ChatCompletionMessageParam {
  const name = m.name ? { name: m.name } : {};
  switch (m.role) {
    case "system":
      return { role: "system", content: textOf(m), ...name };
    case "assistant": {
      const calls = m.toolCalls ?? [];
      // OpenAI wants null, not "", beside tool calls.
      const content = calls.length > 0 && m.content === "" && m.parts === undefined ? null : textOf(m);
      return {
        role: "assistant",
        content,
        ...name,
        ...(calls.length === 0 ? {} : { tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })) }),
      };
    }
    case "tool":
      return { role: "tool", content: textOf(m), tool_call_id: m.toolCallId ?? "" };
    case "user":
      return { role: "user", content: m.parts === undefined ? m.content : m.parts.map(userPartOf), ...name };
  }
}

/** Text-only roles: their parts as text parts (the same text the classifier read). */
function textOf(m: ChatMessage): string | ChatCompletionContentPartText[] {
  if (m.parts === undefined) return m.content;
  return m.parts.flatMap((p) => (p.type === "text" ? [{ type: "text" as const, text: p.text }] : []));
}

function userPartOf(p: ContentPart): ChatCompletionContentPart {
  if (p.type === "text") return { type: "text", text: p.text };
  return { type: "image_url", image_url: { url: p.url, ...(p.detail === undefined ? {} : { detail: p.detail }) } };
}
