// The most an upstream attempt can bill, so that a reservation of it can
// never be exceeded by the settled cost:
//  - input: UTF-8 bytes of every message plus the chat format's framing. A
//    BPE token is at least one byte (byte-level BPE as in OpenAI's o200k and
//    cl100k, and byte-fallback tokenizers), so bytes bound the token count
//    from above; for English text they overestimate about fourfold.
//  - each input token at the dearest input price (fresh, cached read or
//    cache write: Anthropic bills cache writes at 1.25x input);
//  - output: max_output_tokens (always set by the input limits' default) at
//    the output price; providers stop at max_tokens, reasoning included.
import type { CompletionRequest } from "../core/types.js";
import type { ModelPrice } from "../pricing/index.js";

/** Framing tokens of the chat format (OpenAI cookbook: 3 per message, 3 to prime the reply). */
const PER_MESSAGE_TOKENS = 3;
const REPLY_PRIMING_TOKENS = 3;

export function inputTokensUpperBound(request: Pick<CompletionRequest, "messages">): number {
  let bytes = REPLY_PRIMING_TOKENS;
  for (const m of request.messages) {
    bytes += PER_MESSAGE_TOKENS + Buffer.byteLength(m.content) + (m.name === undefined ? 0 : Buffer.byteLength(m.name) + 1);
  }
  return bytes;
}

export function worstCaseCostPico(request: Pick<CompletionRequest, "messages" | "params">, price: ModelPrice): bigint {
  const maxOutput = request.params.maxOutputTokens;
  if (maxOutput === undefined) throw new Error("worst case needs params.maxOutputTokens (filled in by the input limits)");
  let inputPrice = price.input;
  if (price.cachedInput > inputPrice) inputPrice = price.cachedInput;
  if (price.cacheWrite > inputPrice) inputPrice = price.cacheWrite;
  return BigInt(inputTokensUpperBound(request)) * inputPrice + BigInt(maxOutput) * price.output;
}
