// The Chat Completions request body for one deployment.
import type {
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { DeploymentConfig } from "../config/index.js";
import type { CompletionRequest } from "../core/types.js";

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
  return body;
}

function toOpenAIMessage(m: CompletionRequest["messages"][number]): ChatCompletionMessageParam {
  switch (m.role) {
    case "system":
      return { role: "system", content: m.content, ...(m.name ? { name: m.name } : {}) };
    case "assistant":
      return { role: "assistant", content: m.content, ...(m.name ? { name: m.name } : {}) };
    case "tool":
      return { role: "tool", content: m.content, tool_call_id: m.toolCallId ?? "" };
    case "user":
      return { role: "user", content: m.content, ...(m.name ? { name: m.name } : {}) };
  }
}
