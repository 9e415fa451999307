// What the fake model answers a (checked) request, before any transport:
// scripted content, tool calls, a structured-output document, its reply to
// tool results, or the deterministic simulated text. Like a real provider,
// no answer bills more output tokens than max_tokens: budgets reserve
// exactly that bound.
import type { ChatRequestBody, ToolCall } from "./fake-chat-types.js";
import { exampleOf } from "./fake-json-schema.js";
import { toolCallsFinishReason, toolCallsFor, toolResultAnswer } from "./fake-tools.js";
import type { Fault } from "./fake-upstream.js";
import { approxTokens, imageCount } from "./fake-usage.js";

export type Answer =
  | { kind: "text"; content: string; finishReason: "stop" | "length"; completionTokens: number }
  | { kind: "tool_calls"; toolCalls: ToolCall[]; finishReason: "tool_calls" | "stop" | "length"; completionTokens: number };

export interface AnswerInput {
  body: ChatRequestBody;
  /** The last user message's text, directives taken out. */
  userText: string;
  fault: Pick<Fault, "content" | "contentBytes" | "toolCalls">;
  reply: ((request: ChatRequestBody) => string) | undefined;
}

/**
 * In order: filler bytes, scripted content, tool calls, the `reply` option,
 * a document for the response's JSON schema, the answer to tool results, a
 * `json_object`, the simulated text.
 */
export function answerOf({ body, userText, fault, reply }: AnswerInput): Answer {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  // contentBytes asks for that many bytes whatever max_tokens says (large-answer tests).
  if (fault.contentBytes !== undefined) {
    const content = filler(fault.contentBytes);
    return { kind: "text", content, finishReason: "stop", completionTokens: approxTokens(content) };
  }
  const toolCalls = fault.content === undefined ? toolCallsFor(body, userText, fault.toolCalls) : undefined;
  if (toolCalls !== undefined) return limitToolCalls(toolCalls, toolCallsFinishReason(body), maxTokens);
  return limitText(fault.content ?? (reply ? reply(body) : simulatedText(body, userText)), maxTokens);
}

function simulatedText(body: ChatRequestBody, userText: string): string {
  const format = body.response_format;
  if (format?.type === "json_schema") return JSON.stringify(exampleOf(format.json_schema.schema, { text: userText }));
  const toolAnswer = toolResultAnswer(body);
  if (toolAnswer !== undefined) return toolAnswer;
  const topic = userText.split(/\s+/).filter(Boolean).slice(0, 12).join(" ");
  if (format?.type === "json_object") return JSON.stringify({ answer: `simulated answer from ${body.model}`, topic });
  const images = imageCount(body.messages);
  const seen = images === 0 ? "" : ` It saw ${images} image${images === 1 ? "" : "s"}.`;
  return `Simulated answer from ${body.model}: this is a stand-in reply about "${topic}".${seen} No real model was called.`;
}

function limitText(content: string, maxTokens: number | undefined): Answer {
  if (maxTokens === undefined || approxTokens(content) <= maxTokens) {
    return { kind: "text", content, finishReason: "stop", completionTokens: approxTokens(content) };
  }
  const cut = content.split(" ").slice(0, Math.max(1, maxTokens)).join(" ").slice(0, Math.max(1, maxTokens) * 4);
  return { kind: "text", content: cut, finishReason: "length", completionTokens: approxTokens(cut) };
}

/**
 * Completion tokens of tool calls are their arguments'. Past max_tokens the
 * arguments are cut where the budget ends and later calls dropped, with
 * finish reason "length", as OpenAI leaves an unfinished call.
 */
function limitToolCalls(calls: ToolCall[], finishReason: "tool_calls" | "stop", maxTokens: number | undefined): Answer {
  const total = calls.map((c) => c.function.arguments).join("");
  if (maxTokens === undefined || approxTokens(total) <= maxTokens) {
    return { kind: "tool_calls", toolCalls: calls, finishReason, completionTokens: approxTokens(total) };
  }
  let budget = Math.max(1, maxTokens) * 4;
  const kept: ToolCall[] = [];
  for (const call of calls) {
    if (budget <= 0) break;
    const args = prefixWithin(call.function.arguments, budget);
    if (args === "" && kept.length > 0) break;
    budget -= args.length;
    kept.push({ ...call, function: { ...call.function, arguments: args } });
  }
  return { kind: "tool_calls", toolCalls: kept, finishReason: "length", completionTokens: approxTokens(kept.map((c) => c.function.arguments).join("")) };
}

/** The longest prefix of whole code points at most `units` UTF-16 units long (what approxTokens counts). */
function prefixWithin(text: string, units: number): string {
  let out = "";
  for (const codePoint of text) {
    if (out.length + codePoint.length > units) break;
    out += codePoint;
  }
  return out;
}

/** Directives reach the demo upstream too: a typo must not allocate gigabytes. */
const MAX_FILLER_BYTES = 256 * 1024 * 1024;

function filler(bytes: number): string {
  const size = Math.max(0, Math.min(Math.floor(bytes), MAX_FILLER_BYTES));
  return "lorem ".repeat(Math.ceil(size / 6)).slice(0, size);
}
