// Local token counting, for when a provider returns no usage (the usage is
// then marked estimated). o200k_base is the tokenizer of OpenAI's current
// models; for other families it is an estimate, which the flag says.
import { createRequire } from "node:module";
import type { ChatMessage } from "../core/types.js";

type CountTokens = (text: string) => number;
let countTokens: CountTokens | undefined;

/**
 * The encoder loads on first use: its rank table costs about 57 MB of
 * resident memory (measured: RSS of a bare Node process before and after the
 * import), which a server whose upstreams always report usage never needs.
 * createRequire keeps the call synchronous; the package ships a CommonJS
 * build for it.
 */
function encoder(): CountTokens {
  countTokens ??= (createRequire(import.meta.url)("gpt-tokenizer/cjs/encoding/o200k_base") as { countTokens: CountTokens }).countTokens;
  return countTokens;
}

/** Per-message framing tokens of the chat format (OpenAI cookbook: 3 per message, 3 to prime the reply). */
export const PER_MESSAGE_TOKENS = 3;
export const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : encoder()(text);
}

export function countMessageTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const m of messages) total += PER_MESSAGE_TOKENS + countTextTokens(m.content) + (m.name ? countTextTokens(m.name) : 0);
  return total;
}
