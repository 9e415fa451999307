// Local token counting, for when a provider returns no usage (the usage is
// then marked estimated). o200k_base is the tokenizer of OpenAI's current
// models; for other families it is an estimate, which the flag says.
import { createRequire } from "node:module";
import type { ChatMessage, GenerationParams, ToolCall } from "../core/types.js";

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

/**
 * Input tokens of an image, as an estimate: OpenAI bills 85 for a low-detail
 * look and 85 + 170 per 512 px tile otherwise. Without decoding the image
 * its size is unknown, so high and auto count as a 1024 x 1024 image (four
 * tiles, 765). The provider's usage, when it sends one, is what is billed.
 */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_HIGH = 765;

/** Tool definitions, tool calls and schemas, as the text the provider reads (their JSON). */
function structuredTexts(request: RequestParts): string[] {
  const texts: string[] = [];
  const p = request.params;
  if (p?.tools !== undefined && p.tools.length > 0) texts.push(JSON.stringify(p.tools));
  if (p?.jsonSchema !== undefined) texts.push(JSON.stringify(p.jsonSchema));
  for (const m of request.messages) for (const c of m.toolCalls ?? []) texts.push(c.name, c.arguments);
  return texts;
}

function imageTokens(request: RequestParts): number {
  let total = 0;
  for (const m of request.messages) for (const part of m.parts ?? []) if (part.type === "image") total += part.detail === "low" ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_HIGH;
  return total;
}

type RequestParts = { messages: readonly ChatMessage[]; params?: GenerationParams | undefined };

/** Everything a request sends: messages, images, tool definitions and calls, a JSON schema. */
export function countRequestTokens(request: RequestParts): number {
  let total = countMessageTokens(request.messages) + imageTokens(request);
  for (const text of structuredTexts(request)) total += countTextTokens(text);
  return total;
}

/**
 * An upper bound on the tokens of what a request sends beyond message text,
 * without tokenizing (a token is at least one byte): lets the context-window
 * check skip the tokenizer for requests that fit anyway.
 */
export function requestExtraBytes(request: RequestParts): number {
  let total = imageTokens(request);
  for (const text of structuredTexts(request)) total += Buffer.byteLength(text);
  return total;
}

/** The same, approximated at four characters a token (the size rule's estimate). */
export function approxExtraTokens(request: RequestParts): number {
  let chars = 0;
  for (const text of structuredTexts(request)) chars += text.length;
  return imageTokens(request) + Math.ceil(chars / 4);
}

/** Output tokens of an answer: its text and the tool calls it made. */
export function countAnswerTokens(content: string, toolCalls: readonly ToolCall[] | undefined): number {
  let total = countTextTokens(content);
  for (const c of toolCalls ?? []) total += countTextTokens(c.name) + countTextTokens(c.arguments);
  return total;
}
