// The checks OpenAI makes on a Chat Completions request before a model sees
// it, for the parts the fake simulates: messages and their content parts,
// the tool-call history, tools, tool_choice and response_format, and what
// the model can do at all. The first problem found is thrown as a
// FakeRequestError (one error per response, as OpenAI answers).
import type { ChatRequestBody } from "./fake-chat-types.js";
import { FakeRequestError, invalidType, invalidValue, missingParameter } from "./fake-request-error.js";
import { isRecord, strictSchemaProblem } from "./fake-json-schema.js";

/** What a simulated model can do; a request that needs more is refused with 400 like OpenAI refuses it. */
export interface ModelCapabilities {
  /** Function calling (`tools`). Default true. */
  tools?: boolean;
  /** Image parts in user messages. Default true. */
  vision?: boolean;
  /** `response_format: {type: "json_schema"}` (Structured Outputs). Default true. */
  jsonSchema?: boolean;
}

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"] as const;
const DETAILS = ["auto", "low", "high"] as const;
const TOOL_CHOICES = ["none", "auto", "required"] as const;
/** OpenAI's rule for function and response-format names. */
const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const MAX_NAME_LENGTH = 64;
/** An image URL the fake accepts: a web address or base64 image data. */
const IMAGE_URL = /^(https?:\/\/\S+|data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]+=*)$/i;

/** Throws the FakeRequestError OpenAI would answer for `body`, if any. */
export function validateChatRequest(body: ChatRequestBody, capabilities: Required<ModelCapabilities>): void {
  validateMessages(body.messages, capabilities);
  const toolNames = validateTools(body.tools, capabilities);
  validateToolChoice(body.tool_choice, toolNames);
  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null && toolNames === undefined) {
    throw new FakeRequestError(
      "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
      "parallel_tool_calls",
      null,
    );
  }
  validateResponseFormat(body.response_format, capabilities);
}

function validateMessages(messages: readonly unknown[], capabilities: Required<ModelCapabilities>): void {
  // Tool calls of the last assistant message that asked for them, and those still waiting for a result.
  let asked: { index: number; ids: Set<string>; waiting: Set<string> } | undefined;
  const unanswered = (index: number, waiting: Set<string>) =>
    new FakeRequestError(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...waiting].join(", ")}`,
      `messages.[${index}].role`,
      null,
    );
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages[${i}]`;
    if (!isRecord(m)) throw invalidType(at, "an object", m);
    if (m.role === undefined) throw missingParameter(`${at}.role`);
    if (typeof m.role !== "string" || !(ROLES as readonly string[]).includes(m.role)) throw invalidValue(`${at}.role`, m.role, ROLES);
    const toolCalls = m.role === "assistant" ? validateToolCalls(m.tool_calls, at) : [];
    validateContent(m, i, toolCalls.length > 0, capabilities);

    if (m.role === "tool") {
      if (typeof m.tool_call_id !== "string") {
        throw new FakeRequestError("Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.", `messages.[${i}].tool_call_id`, null);
      }
      if (asked === undefined) {
        // "preceeding" is OpenAI's spelling.
        throw new FakeRequestError(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
          null,
        );
      }
      if (!asked.ids.has(m.tool_call_id)) {
        throw new FakeRequestError(
          `Invalid parameter: 'tool_call_id' of '${m.tool_call_id}' not found in 'tool_calls' of previous message.`,
          `messages.[${i}].tool_call_id`,
          null,
        );
      }
      asked.waiting.delete(m.tool_call_id);
      continue;
    }
    if (asked !== undefined && asked.waiting.size > 0) throw unanswered(asked.index, asked.waiting);
    const ids = new Set(toolCalls);
    asked = ids.size > 0 ? { index: i, ids, waiting: new Set(ids) } : undefined;
  }
  if (asked !== undefined && asked.waiting.size > 0) throw unanswered(asked.index, asked.waiting);
}

/** The ids of an assistant message's tool calls, after checking their shape. */
function validateToolCalls(toolCalls: unknown, at: string): string[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw invalidType(`${at}.tool_calls`, "an array", toolCalls);
  return toolCalls.map((call, j) => {
    const here = `${at}.tool_calls[${j}]`;
    if (!isRecord(call)) throw invalidType(here, "an object", call);
    if (typeof call.id !== "string") throw missingParameter(`${here}.id`);
    if (call.type !== "function") throw invalidValue(`${here}.type`, call.type, ["function"]);
    if (!isRecord(call.function)) throw missingParameter(`${here}.function`);
    if (typeof call.function.name !== "string") throw missingParameter(`${here}.function.name`);
    if (typeof call.function.arguments !== "string") throw missingParameter(`${here}.function.arguments`);
    return call.id;
  });
}

function validateContent(m: Record<string, unknown>, i: number, hasToolCalls: boolean, capabilities: Required<ModelCapabilities>): void {
  const { content } = m;
  const at = `messages[${i}].content`;
  if (content === undefined || content === null) {
    // An assistant message that only calls tools has no text.
    if (hasToolCalls) return;
    if (content === undefined) throw missingParameter(at);
    throw new FakeRequestError("Invalid value for 'content': expected a string, got null.", `messages.[${i}].content`, null);
  }
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw invalidType(at, "one of a string or array of objects", content);
  const supported = m.role === "user" ? (["text", "image_url"] as const) : (["text"] as const);
  content.forEach((part: unknown, j) => {
    const here = `${at}[${j}]`;
    if (!isRecord(part)) throw invalidType(here, "an object", part);
    if (part.type === undefined) throw missingParameter(`${here}.type`);
    if (!(supported as readonly unknown[]).includes(part.type)) throw invalidValue(`${here}.type`, part.type, supported);
    if (part.type === "text") {
      if (part.text === undefined) throw missingParameter(`${here}.text`);
      if (typeof part.text !== "string") throw invalidType(`${here}.text`, "a string", part.text);
      return;
    }
    if (!capabilities.vision) {
      throw new FakeRequestError("Invalid content type. image_url is only supported by certain models.", `messages.[${i}].content.[${j}].type`, null);
    }
    validateImage(part.image_url, `${here}.image_url`);
  });
}

function validateImage(image: unknown, at: string): void {
  if (image === undefined) throw missingParameter(at);
  if (!isRecord(image)) throw invalidType(at, "an object", image);
  if (image.url === undefined) throw missingParameter(`${at}.url`);
  if (typeof image.url !== "string") throw invalidType(`${at}.url`, "a string", image.url);
  if (!IMAGE_URL.test(image.url)) {
    const why = image.url.startsWith("data:") ? "but got a value that is not base64 image data" : "but got a value without the 'data:' prefix";
    throw new FakeRequestError(
      `Invalid '${at}.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), ${why}.`,
      `${at}.url`,
      "invalid_value",
    );
  }
  if (image.detail !== undefined && !(DETAILS as readonly unknown[]).includes(image.detail)) throw invalidValue(`${at}.detail`, image.detail, DETAILS);
}

/** The function names, or undefined when the request has no tools. */
function validateTools(tools: unknown, capabilities: Required<ModelCapabilities>): Set<string> | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidType("tools", "an array", tools);
  if (tools.length === 0) {
    throw new FakeRequestError("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", "tools", "empty_array");
  }
  if (!capabilities.tools) {
    throw new FakeRequestError(
      "tools is not supported in this model. For a list of supported models, refer to https://platform.openai.com/docs/guides/function-calling#models-supporting-function-calling.",
      "tools",
      null,
    );
  }
  const names = new Set<string>();
  tools.forEach((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isRecord(tool)) throw invalidType(at, "an object", tool);
    if (tool.type === undefined) throw missingParameter(`${at}.type`);
    // OpenAI also takes `custom` tools (free-form input); the fake simulates function tools only.
    if (tool.type !== "function") throw invalidValue(`${at}.type`, tool.type, ["function"]);
    const fn = tool.function;
    if (!isRecord(fn)) throw missingParameter(`${at}.function`);
    const name = validateName(fn.name, `${at}.function.name`);
    if (fn.parameters !== undefined) {
      if (!isRecord(fn.parameters)) throw invalidType(`${at}.function.parameters`, "an object", fn.parameters);
      const type = fn.parameters.type;
      if (type !== "object") {
        throw new FakeRequestError(
          `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${typeof type === "string" ? type : "None"}"'.`,
          `${at}.function.parameters`,
          "invalid_function_parameters",
        );
      }
      const problem = fn.strict === true ? strictSchemaProblem(fn.parameters) : undefined;
      if (problem !== undefined) throw new FakeRequestError(`Invalid schema for function '${name}': ${problem}`, `${at}.function.parameters`, "invalid_function_parameters");
    }
    names.add(name);
  });
  return names;
}

function validateToolChoice(choice: unknown, toolNames: Set<string> | undefined): void {
  if (choice === undefined || choice === null) return;
  if (toolNames === undefined) {
    throw new FakeRequestError("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", null);
  }
  if (typeof choice === "string") {
    if (!(TOOL_CHOICES as readonly string[]).includes(choice)) throw invalidValue("tool_choice", choice, TOOL_CHOICES);
    return;
  }
  if (!isRecord(choice)) throw invalidType("tool_choice", "one of a string or an object", choice);
  const named = (entry: unknown, at: string) => {
    if (!isRecord(entry) || !isRecord(entry.function) || typeof entry.function.name !== "string") throw missingParameter(`${at}.function.name`);
    if (!toolNames.has(entry.function.name)) {
      // The wording of this one has not been seen on the wire; the status and type have.
      throw new FakeRequestError(`Invalid value for '${at}': function '${entry.function.name}' is not one of the 'tools' in the request.`, at, "invalid_value");
    }
  };
  if (choice.type === "function") return named(choice, "tool_choice");
  if (choice.type === "allowed_tools") {
    const allowed = choice.allowed_tools;
    if (!isRecord(allowed)) throw missingParameter("tool_choice.allowed_tools");
    if (allowed.mode !== "auto" && allowed.mode !== "required") throw invalidValue("tool_choice.allowed_tools.mode", allowed.mode, ["auto", "required"]);
    if (!Array.isArray(allowed.tools) || allowed.tools.length === 0) throw missingParameter("tool_choice.allowed_tools.tools");
    allowed.tools.forEach((entry: unknown, i) => named(entry, `tool_choice.allowed_tools.tools[${i}]`));
    return;
  }
  throw invalidValue("tool_choice.type", choice.type, ["function", "allowed_tools"]);
}

function validateResponseFormat(format: unknown, capabilities: Required<ModelCapabilities>): void {
  if (format === undefined || format === null) return;
  if (!isRecord(format)) throw invalidType("response_format", "an object", format);
  if (format.type === "text" || format.type === "json_object") return;
  if (format.type !== "json_schema") throw invalidValue("response_format.type", format.type, ["json_object", "json_schema", "text"]);
  if (!capabilities.jsonSchema) {
    throw new FakeRequestError(
      "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
      "response_format",
      null,
    );
  }
  const spec = format.json_schema;
  if (spec === undefined) throw missingParameter("response_format.json_schema");
  if (!isRecord(spec)) throw invalidType("response_format.json_schema", "an object", spec);
  const name = validateName(spec.name, "response_format.json_schema.name");
  // OpenAI's reference marks `schema` optional; a fake model has nothing to
  // follow without one, so the fake asks for it.
  if (spec.schema === undefined) throw missingParameter("response_format.json_schema.schema");
  if (!isRecord(spec.schema)) throw invalidType("response_format.json_schema.schema", "an object", spec.schema);
  const problem = spec.strict === true ? strictSchemaProblem(spec.schema) : undefined;
  if (problem !== undefined) throw new FakeRequestError(`Invalid schema for response_format '${name}': ${problem}`, "response_format", "invalid_json_schema");
}

function validateName(name: unknown, at: string): string {
  if (name === undefined) throw missingParameter(at);
  if (typeof name !== "string") throw invalidType(at, "a string", name);
  if (name.length > MAX_NAME_LENGTH) {
    throw new FakeRequestError(
      `Invalid '${at}': string too long. Expected a string with maximum length ${MAX_NAME_LENGTH}, but got a string with length ${name.length} instead.`,
      at,
      "string_above_max_length",
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw new FakeRequestError(`Invalid '${at}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, at, "invalid_value");
  }
  return name;
}
