// Input limits: how much a request may carry, checked before any decision or
// upstream call. A violation is INVALID_ARGUMENT naming the field and the
// limit, so the caller knows what to shorten. The output-token default is
// filled in here too, so every upstream call carries a bound that budgets can
// reserve against.
import type { LimitsConfig } from "../config/index.js";
import { invalidArgument } from "../core/errors.js";
import type { ChatMessage, ClassifyInput, CompletionRequest } from "../core/types.js";

export interface InputLimits {
  /** Throws invalid_argument when the conversation or caller metadata is too large. */
  checkClassify(input: ClassifyInput): void;
  /** As checkClassify, plus output tokens; returns the request with the default max_output_tokens filled in. */
  checkCompletion(request: CompletionRequest): CompletionRequest;
}

export interface InputLimitsOptions {
  /** The `limits:` section; its schema holds the defaults. */
  limits: LimitsConfig;
}

/** Names and tool call ids are identifiers, not text. */
const MAX_NAME_CHARS = 256;
/** Metadata is recorded with every ledger row: labels, not payloads. */
const MAX_METADATA_KEY_CHARS = 64;
const MAX_METADATA_VALUE_CHARS = 512;

export function createInputLimits(options: InputLimitsOptions): InputLimits {
  const limits = options.limits;

  const checkInput = (input: ClassifyInput) => {
    checkMessages(input.messages, limits);
    const entries = Object.entries(input.caller.metadata);
    if (entries.length > limits.max_metadata_entries) {
      throw invalidArgument("caller.metadata", `${entries.length} entries, at most ${limits.max_metadata_entries} (limits.max_metadata_entries)`);
    }
    for (const [key, value] of entries) {
      if (key.length > MAX_METADATA_KEY_CHARS) throw invalidArgument("caller.metadata", `key of ${key.length} characters, at most ${MAX_METADATA_KEY_CHARS}`);
      if (value.length > MAX_METADATA_VALUE_CHARS) {
        throw invalidArgument(`caller.metadata[${JSON.stringify(key)}]`, `${value.length} characters, at most ${MAX_METADATA_VALUE_CHARS}`);
      }
    }
  };

  return {
    checkClassify: checkInput,
    checkCompletion(request) {
      checkInput(request);
      const asked = request.params.maxOutputTokens;
      if (asked !== undefined && asked > limits.max_output_tokens) {
        throw invalidArgument("params.max_output_tokens", `${asked}, at most ${limits.max_output_tokens} (limits.max_output_tokens)`);
      }
      if (asked !== undefined) return request;
      return { ...request, params: { ...request.params, maxOutputTokens: limits.default_output_tokens } };
    },
  };
}

function checkMessages(messages: readonly ChatMessage[], limits: LimitsConfig): void {
  if (messages.length > limits.max_messages) {
    throw invalidArgument("messages", `${messages.length} messages, at most ${limits.max_messages} (limits.max_messages)`);
  }
  let total = 0;
  messages.forEach((m, i) => {
    if (m.content.length > limits.max_message_chars) {
      throw invalidArgument(`messages[${i}].content`, `${m.content.length} characters, at most ${limits.max_message_chars} (limits.max_message_chars)`);
    }
    if (m.name !== undefined && m.name.length > MAX_NAME_CHARS) throw invalidArgument(`messages[${i}].name`, `at most ${MAX_NAME_CHARS} characters`);
    if (m.toolCallId !== undefined && m.toolCallId.length > MAX_NAME_CHARS) {
      throw invalidArgument(`messages[${i}].tool_call_id`, `at most ${MAX_NAME_CHARS} characters`);
    }
    total += m.content.length;
  });
  if (total > limits.max_input_chars) {
    throw invalidArgument("messages", `${total} characters in all, at most ${limits.max_input_chars} (limits.max_input_chars)`);
  }
}
