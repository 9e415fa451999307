// A request OpenAI would refuse with 400, and the body it would send:
// {"error":{"message","type":"invalid_request_error","param","code"}}.
//
// Messages are OpenAI's own where they have been seen on the wire (quoted in
// public bug reports); their `param` spelling differs between checks
// ("messages[0].content[1].type" in newer ones, "messages.[0].content.[1].type"
// in older ones) and is copied as seen.
export class FakeRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "FakeRequestError";
  }

  get body(): { error: { message: string; type: "invalid_request_error"; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: "invalid_request_error", param: this.param, code: this.code } };
  }
}

export function missingParameter(param: string): FakeRequestError {
  return new FakeRequestError(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
}

/** Values are listed OpenAI's way: 'a' and 'b'; 'a', 'b', and 'c'. */
export function invalidValue(param: string, got: unknown, supported: readonly string[]): FakeRequestError {
  const quoted = supported.map((s) => `'${s}'`);
  const list = quoted.length <= 2 ? quoted.join(" and ") : `${quoted.slice(0, -1).join(", ")}, and ${quoted.at(-1)}`;
  return new FakeRequestError(`Invalid value: '${String(got)}'. Supported values are: ${list}.`, param, "invalid_value");
}

export function invalidType(param: string, expected: string, got: unknown): FakeRequestError {
  return new FakeRequestError(`Invalid type for '${param}': expected ${expected}, but got ${jsonTypeOf(got)} instead.`, param, "invalid_type");
}

/** How OpenAI names a JSON value's type in its messages: "a string", "an object", "null". */
function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "boolean") return "a boolean";
  return "a string";
}
