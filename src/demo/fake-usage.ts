// The fake's token counts. Nothing is tokenized: text is about four
// characters a token, like English text, and everything else the model reads
// is priced by a rule of thumb documented where it is applied.
import type { ChatMessage, ChatRequestBody, ContentPart } from "./fake-chat-types.js";
import { isRecord } from "./fake-json-schema.js";

/** The fake's own token count: about four characters a token, like English text. */
export function approxTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/**
 * OpenAI's vision pricing (platform.openai.com/docs/guides/images-vision,
 * "Calculating costs"): `detail: "low"` is a flat 85 tokens; otherwise 85
 * plus 170 per 512 px tile after scaling. Without decoding the image the
 * fake assumes a 1024x1024 picture: scaled to 768x768, four tiles, 765.
 */
const LOW_DETAIL_IMAGE_TOKENS = 85;
const HIGH_DETAIL_IMAGE_TOKENS = 85 + 170 * 4;

/** Per message, OpenAI's chat format adds a few tokens of framing (role, separators). */
const TOKENS_PER_MESSAGE = 3;

/** The text of a message's content: the string, or its text parts joined (what directives and the recorded log read). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part: unknown) => (isRecord(part) && part.type === "text" && typeof part.text === "string" ? part.text : "")).join("");
  }
  return "";
}

/** The image parts of a message's content. */
export function imagesOf(content: unknown): Extract<ContentPart, { type: "image_url" }>[] {
  if (!Array.isArray(content)) return [];
  return content.filter((part: unknown): part is Extract<ContentPart, { type: "image_url" }> => isRecord(part) && part.type === "image_url");
}

export function imageCount(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + imagesOf(m.content).length, 0);
}

/**
 * Prompt tokens of a (checked) request: the messages' text and framing,
 * their images, the tool calls earlier assistant turns made, and what OpenAI
 * injects into the prompt on the model's behalf: tool definitions and a
 * response schema, counted as their JSON at four characters a token.
 */
export function promptTokensOf(body: ChatRequestBody): number {
  const text = body.messages.map((m) => textOf(m.content)).join("\n");
  let tokens = approxTokens(text) + TOKENS_PER_MESSAGE * body.messages.length;
  for (const m of body.messages) {
    for (const image of imagesOf(m.content)) tokens += image.image_url.detail === "low" ? LOW_DETAIL_IMAGE_TOKENS : HIGH_DETAIL_IMAGE_TOKENS;
    for (const call of m.tool_calls ?? []) tokens += approxTokens(call.function.name + call.function.arguments);
  }
  if (body.tools) tokens += approxTokens(JSON.stringify(body.tools));
  if (body.response_format?.type === "json_schema") tokens += approxTokens(JSON.stringify(body.response_format.json_schema));
  return tokens;
}
