// What a request carries beyond plain text (tools, images, a JSON schema),
// and so what a deployment must be able to do to serve it. Routing rules,
// the provider's deployment fit and the classifier all read these.
import type { ChatMessage, GenerationParams } from "./types.js";

export type Capability = "json" | "json_schema" | "tools" | "vision";

type RequestShape = { messages: readonly ChatMessage[]; params?: GenerationParams | undefined };

/** What a request needs of a deployment beyond fitting its window (config `capabilities`). */
export function capabilitiesNeeded(request: RequestShape): Capability[] {
  const needed: Capability[] = [];
  const p = request.params;
  if (p?.responseFormat === "json_object") needed.push("json");
  if (p?.responseFormat === "json_schema") needed.push("json_schema");
  if (hasTools(request)) needed.push("tools");
  if (hasImages(request)) needed.push("vision");
  return needed;
}

/** Tools offered, or tool calls and results in the conversation: only a tool-capable model can read those turns. */
export function hasTools(request: RequestShape): boolean {
  return (request.params?.tools?.length ?? 0) > 0 || request.messages.some((m) => m.role === "tool" || (m.toolCalls?.length ?? 0) > 0);
}

export function hasImages(request: { messages: readonly ChatMessage[] }): boolean {
  return request.messages.some((m) => m.parts?.some((p) => p.type === "image") === true);
}
