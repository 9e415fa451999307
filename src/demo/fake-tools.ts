// Function calling for the fake model: which tools it calls, with what
// arguments and ids, how the calls stream, and its answer to tool results.
import { createHash } from "node:crypto";
import type { ChatRequestBody, FunctionTool, ToolCall } from "./fake-chat-types.js";
import { exampleOf } from "./fake-json-schema.js";
import { textOf } from "./fake-usage.js";

/** Directives reach the demo upstream too: a typo must not build millions of calls. */
const MAX_TOOL_CALLS = 128;

/**
 * The tool calls the fake model makes for a (checked) request, or undefined
 * when it answers with text: no tools, `tool_choice: "none"`, the last
 * message is a tool result (the model answers it), or `count` 0 with the
 * choice left to the model. A named `tool_choice` calls that function once;
 * otherwise the first `count` tools (default 1; 1 when
 * `parallel_tool_calls` is false), starting over at the first when `count`
 * exceeds the tools, as a model calls one function for several inputs.
 */
export function toolCallsFor(body: ChatRequestBody, userText: string, count: number | undefined): ToolCall[] | undefined {
  const tools = body.tools ?? [];
  const choice = body.tool_choice ?? "auto";
  if (tools.length === 0 || choice === "none" || body.messages.at(-1)?.role === "tool") return undefined;
  let candidates: FunctionTool[] = tools;
  let forced = choice === "required";
  // A directive is untyped JSON: anything but a number means the default.
  let n = typeof count === "number" && Number.isFinite(count) ? Math.min(Math.floor(count), MAX_TOOL_CALLS) : 1;
  if (typeof choice === "object") {
    const names = new Set(choice.type === "function" ? [choice.function.name] : choice.allowed_tools.tools.map((t) => t.function.name));
    candidates = tools.filter((t) => names.has(t.function.name));
    forced = choice.type === "function" || choice.allowed_tools.mode === "required";
    if (choice.type === "function") n = 1;
  }
  if (n <= 0) {
    if (!forced) return undefined;
    n = 1;
  }
  if (body.parallel_tool_calls === false) n = 1;
  const calls: ToolCall[] = [];
  for (let i = 0; i < n; i++) {
    const fn = candidates[i % candidates.length]!.function;
    const args = fn.parameters === undefined ? "{}" : JSON.stringify(exampleOf(fn.parameters, { text: userText }));
    calls.push({ id: callIdOf(body, fn.name, args, i), type: "function", function: { name: fn.name, arguments: args } });
  }
  return calls;
}

/**
 * OpenAI's finish reason for an answer that calls tools: "tool_calls",
 * except "stop" when `tool_choice` named the function (OpenAI's function
 * calling guide notes it; vLLM copies it for parity).
 */
export function toolCallsFinishReason(body: ChatRequestBody): "tool_calls" | "stop" {
  const choice = body.tool_choice;
  return typeof choice === "object" && choice !== null && choice.type === "function" ? "stop" : "tool_calls";
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * `call_` and 24 letters and digits, like OpenAI's ids. Derived from the
 * request, so a repeated request gets the same ids; the call's index and
 * the conversation's length keep them distinct within an answer and across
 * the turns of one conversation.
 */
function callIdOf(body: ChatRequestBody, name: string, args: string, index: number): string {
  const digest = createHash("sha256").update(JSON.stringify([body.model, body.messages.length, index, name, args])).digest();
  let suffix = "";
  for (let i = 0; i < 24; i++) suffix += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return `call_${suffix}`;
}

/**
 * The deltas of a streamed answer that calls tools, as OpenAI sends them:
 * per call, one delta with its index, id, type, name and empty arguments
 * (the first also carrying the role), then the arguments in pieces of
 * `pieceChars` characters. Pieces are cut between code points, so each is
 * valid text and they concatenate to exactly the arguments.
 */
export function toolCallDeltas(calls: readonly ToolCall[], pieceChars: number): object[] {
  const deltas: object[] = [];
  calls.forEach((call, index) => {
    const opening = { index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
    deltas.push(index === 0 ? { role: "assistant", content: null, tool_calls: [opening], refusal: null } : { tool_calls: [opening] });
    const codePoints = Array.from(call.function.arguments);
    for (let i = 0; i < codePoints.length; i += pieceChars) {
      deltas.push({ tool_calls: [{ index, function: { arguments: codePoints.slice(i, i + pieceChars).join("") } }] });
    }
  });
  return deltas;
}

/**
 * The fake model's answer to the tool results that end the conversation:
 * the results themselves, so a round trip can be checked end to end.
 * Undefined when the last message is not a tool result.
 */
export function toolResultAnswer(body: ChatRequestBody): string | undefined {
  const results: string[] = [];
  for (let i = body.messages.length - 1; i >= 0 && body.messages[i]!.role === "tool"; i--) results.unshift(textOf(body.messages[i]!.content));
  if (results.length === 0) return undefined;
  return results.length === 1 ? `The tool returned: ${results[0]}` : `The tools returned: ${results.join("; ")}`;
}
