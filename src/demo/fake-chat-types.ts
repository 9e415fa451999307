// The Chat Completions request as the fake upstream reads it: the subset of
// OpenAI's wire format it simulates (text, image parts, function tools,
// structured outputs). These are claims about parsed JSON; fake-request.ts
// checks them before anything relies on them.

/** A JSON schema (an object; sub-schemas may also be `true` or `false`). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface TextPart {
  type: "text";
  text: string;
}

export interface ImagePart {
  type: "image_url";
  image_url: {
    /** An http(s) URL or a `data:image/...;base64,` URL. */
    url: string;
    detail?: "auto" | "low" | "high";
  };
}

export type ContentPart = TextPart | ImagePart;

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: JsonSchema;
  strict?: boolean | null;
}

export interface FunctionTool {
  type: "function";
  function: FunctionDefinition;
}

export interface NamedToolChoice {
  type: "function";
  function: { name: string };
}

export interface AllowedToolsChoice {
  type: "allowed_tools";
  allowed_tools: { mode: "auto" | "required"; tools: NamedToolChoice[] };
}

export type ToolChoice = "none" | "auto" | "required" | NamedToolChoice | AllowedToolsChoice;

export interface ToolCall {
  id: string;
  type: "function";
  function: {
    name: string;
    /** A JSON document as a string, exactly as the model wrote it. */
    arguments: string;
  };
}

export interface JsonSchemaFormat {
  name: string;
  description?: string;
  schema?: JsonSchema;
  strict?: boolean | null;
}

export type ResponseFormat = { type: "text" } | { type: "json_object" } | { type: "json_schema"; json_schema: JsonSchemaFormat };

export interface ChatMessage {
  role: string;
  /** A string, an array of parts, or null for an assistant message that only carries tool calls. */
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string | string[] | null;
  user?: string;
  reasoning_effort?: string;
  tools?: FunctionTool[] | null;
  tool_choice?: ToolChoice | null;
  parallel_tool_calls?: boolean | null;
  response_format?: ResponseFormat | null;
}
