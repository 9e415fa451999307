// Local token counting, for when a provider returns no usage (the usage is
// then marked estimated). o200k_base is the tokenizer of OpenAI's current
// models; for other families it is an estimate, which the flag says.
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { ChatMessage } from "../core/types.js";

/** Per-message framing tokens of the chat format (OpenAI cookbook: 3 per message, 3 to prime the reply). */
export const PER_MESSAGE_TOKENS = 3;
export const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const m of messages) total += PER_MESSAGE_TOKENS + countTextTokens(m.content) + (m.name ? countTextTokens(m.name) : 0);
  return total;
}
