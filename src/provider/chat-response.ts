// Reading what an upstream answered: usage (counted locally, and flagged as
// estimated, when the provider sent none) and the finish reason.
import type OpenAI from "openai";
import { FinishReason, type CompletionRequest, type ToolCall, type Usage } from "../core/types.js";
import { countAnswerTokens, countRequestTokens } from "../pricing/index.js";

/** Usage as providers send it, with the cache fields some of them add. */
export type UpstreamUsage = OpenAI.CompletionUsage & {
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  /** Anthropic-style cache writes, as some gateways pass them through. */
  cache_creation_input_tokens?: number;
};

export function usageOf(raw: UpstreamUsage | undefined | null, request: CompletionRequest, content: string, toolCalls?: readonly ToolCall[]): Usage {
  if (raw && typeof raw.prompt_tokens === "number" && typeof raw.completion_tokens === "number") {
    return {
      inputTokens: raw.prompt_tokens,
      outputTokens: raw.completion_tokens,
      cachedInputTokens: raw.prompt_tokens_details?.cached_tokens ?? 0,
      reasoningTokens: raw.completion_tokens_details?.reasoning_tokens ?? 0,
      cacheWriteTokens: raw.prompt_tokens_details?.cache_write_tokens ?? raw.cache_creation_input_tokens ?? 0,
      estimated: false,
    };
  }
  return {
    inputTokens: countRequestTokens(request),
    outputTokens: countAnswerTokens(content, toolCalls),
    cachedInputTokens: 0,
    reasoningTokens: 0,
    cacheWriteTokens: 0,
    estimated: true,
  };
}

export function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
      return FinishReason.STOP;
    case "length":
      return FinishReason.LENGTH;
    case "content_filter":
      return FinishReason.CONTENT_FILTER;
    case "tool_calls":
    case "function_call":
      return FinishReason.TOOL_CALLS;
    default:
      return FinishReason.UNSPECIFIED;
  }
}
