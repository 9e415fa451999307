// Deterministic values for JSON schemas, the fake model's tool-call arguments
// and structured-output answers, and the checks OpenAI applies to schemas
// sent with `strict: true`.
//
// A value is built from the schema alone (plus the user's text for strings),
// so the same request always gets the same answer: required properties only;
// const, then the first enum value, then the first anyOf/oneOf branch; a
// string is "sample <property>" (or what the user's text gives the property
// as `name: value`), a number or integer 1 (moved into minimum/maximum), a
// boolean true, an array one item (or minItems). `pattern` is not honoured:
// a schema that needs one gets a value that may not match it.

/**
 * Nesting depth past which a recursive schema (a tree whose nodes hold
 * nodes) is cut short: arrays go empty and nullable branches go null.
 */
const MAX_DEPTH = 12;

/** Values for string formats, each valid for its format. */
const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "00:00:00Z",
  duration: "P1D",
  email: "user@example.com",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/",
  url: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
};

export interface ExampleContext {
  /** The user's text: a string property it names as `name: value` (or `name=value`, or quoted) takes that value. */
  text: string;
}

interface Walk {
  root: unknown;
  text: string;
  depth: number;
  /** The property this value is for, when it is one. */
  name: string | undefined;
}

/** A value that validates against `schema` (see the rules at the top of this file). */
export function exampleOf(schema: unknown, context: ExampleContext): unknown {
  return exampleAt(schema, { root: schema, text: context.text, depth: 0, name: undefined });
}

function exampleAt(schema: unknown, walk: Walk): unknown {
  // `true` and `{}` accept anything; `false` accepts nothing, so any value is as wrong as another.
  if (!isRecord(schema)) return "sample";
  const inner: Walk = { ...walk, depth: walk.depth + 1 };
  if (typeof schema.$ref === "string") {
    const target = resolveRef(walk.root, schema.$ref);
    if (target !== undefined && walk.depth < 2 * MAX_DEPTH) return exampleAt(target, inner);
    return null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches !== undefined && branches.length > 0) {
    const pick = walk.depth >= MAX_DEPTH ? (branches.find(isNullSchema) ?? branches[0]) : branches[0];
    return exampleAt(pick, inner);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((part) => exampleAt(part, inner));
    return parts.every(isRecord) ? Object.assign({}, ...parts) : parts[0];
  }
  switch (typeOf(schema, walk.depth)) {
    case "object":
      return objectExample(schema, inner);
    case "array":
      return arrayExample(schema, inner, walk.depth);
    case "string":
      return stringExample(schema, walk);
    case "integer":
      return numberExample(schema, true);
    case "number":
      return numberExample(schema, false);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "sample";
  }
}

/** The schema's type, inferred from its keywords when it names none; a nullable type counts as its other type until the depth bound. */
function typeOf(schema: Record<string, unknown>, depth: number): string | undefined {
  const { type } = schema;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const named = type.filter((t): t is string => typeof t === "string");
    if (depth >= MAX_DEPTH && named.includes("null")) return "null";
    return named.find((t) => t !== "null") ?? named[0];
  }
  if ("properties" in schema || "required" in schema || "additionalProperties" in schema) return "object";
  if ("items" in schema || "prefixItems" in schema) return "array";
  return undefined;
}

function objectExample(schema: Record<string, unknown>, walk: Walk): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : [];
  // Object.fromEntries defines own properties, so a property named
  // "__proto__" stays a property instead of replacing the prototype.
  return Object.fromEntries(required.map((key) => [key, exampleAt(Object.hasOwn(properties, key) ? properties[key] : {}, { ...walk, name: key })]));
}

function arrayExample(schema: Record<string, unknown>, walk: Walk, depth: number): unknown[] {
  const minItems = nonNegativeInteger(schema.minItems) ?? 0;
  const maxItems = nonNegativeInteger(schema.maxItems);
  let count = depth >= MAX_DEPTH ? minItems : Math.max(1, minItems);
  if (maxItems !== undefined) count = Math.min(count, maxItems);
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
  const rest = Array.isArray(schema.items) ? (schema.additionalItems ?? {}) : (schema.items ?? {});
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const item = i < prefix.length ? prefix[i] : rest;
    // Unique items from an enum take successive values rather than repeating the first.
    if (schema.uniqueItems === true && isRecord(item) && Array.isArray(item.enum) && item.enum.length > 0) {
      out.push(item.enum[i % item.enum.length]);
    } else {
      out.push(exampleAt(item, { ...walk, name: undefined }));
    }
  }
  return out;
}

function stringExample(schema: Record<string, unknown>, walk: Walk): string {
  const formatted = typeof schema.format === "string" ? FORMAT_EXAMPLES[schema.format] : undefined;
  if (formatted !== undefined) return formatted;
  let value = (walk.name !== undefined ? echoedValue(walk.name, walk.text) : undefined) ?? (walk.name !== undefined ? `sample ${walk.name}` : "sample");
  const minLength = nonNegativeInteger(schema.minLength);
  const maxLength = nonNegativeInteger(schema.maxLength);
  if (minLength !== undefined && value.length < minLength) value = value.padEnd(minLength, "x");
  if (maxLength !== undefined && value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

/**
 * What the user's text gives a property, as `city: Paris`, `city=Paris` or
 * `city: "New York"`, so a test can script the arguments from the prompt.
 */
function echoedValue(name: string, text: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?<![\\w-])${escaped}\\s*[:=]\\s*(?:"([^"]*)"|'([^']*)'|([^\\s,;!?"']+))`, "i").exec(text);
  if (match === null) return undefined;
  const bare = match[3]?.replace(/\.+$/, "");
  return match[1] ?? match[2] ?? (bare === "" ? undefined : bare);
}

function numberExample(schema: Record<string, unknown>, integer: boolean): number {
  // draft-04 writes exclusive bounds as booleans beside minimum/maximum, later drafts as numbers.
  const lowExclusive = typeof schema.exclusiveMinimum === "number";
  const low = lowExclusive ? (schema.exclusiveMinimum as number) : finite(schema.minimum);
  const lowOpen = lowExclusive || schema.exclusiveMinimum === true;
  const highExclusive = typeof schema.exclusiveMaximum === "number";
  const high = highExclusive ? (schema.exclusiveMaximum as number) : finite(schema.maximum);
  const highOpen = highExclusive || schema.exclusiveMaximum === true;
  const fits = (v: number) =>
    (low === undefined || (lowOpen ? v > low : v >= low)) && (high === undefined || (highOpen ? v < high : v <= high));
  let value = 1;
  if (!fits(value)) {
    if (low !== undefined) {
      value = integer ? (lowOpen ? Math.floor(low) + 1 : Math.ceil(low)) : lowOpen ? (high !== undefined ? (low + high) / 2 : low + 1) : low;
    } else if (high !== undefined) {
      value = integer ? (highOpen ? Math.ceil(high) - 1 : Math.floor(high)) : highOpen ? high - 1 : high;
    }
  }
  const step = finite(schema.multipleOf);
  if (step !== undefined && step > 0) value = Math.ceil(value / step) * step;
  return value;
}

/**
 * Why OpenAI would refuse this schema under `strict: true`, in its words
 * ("In context=('properties', 'location'), ..."), or undefined. Structured
 * Outputs wants every object closed (`additionalProperties: false`) and
 * every property listed in `required`.
 */
export function strictSchemaProblem(schema: unknown): string | undefined {
  return strictProblemAt(schema, []);
}

function strictProblemAt(schema: unknown, context: (string | number)[]): string | undefined {
  if (!isRecord(schema)) return undefined;
  const where = `In context=${pythonTuple(context)}`;
  const type = schema.type;
  const isObject = type === "object" || (Array.isArray(type) && type.includes("object")) || (type === undefined && isRecord(schema.properties));
  if (isObject) {
    if (schema.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
    for (const [key, sub] of Object.entries(properties)) {
      const problem = strictProblemAt(sub, [...context, "properties", key]);
      if (problem !== undefined) return problem;
    }
  }
  if (isRecord(schema.items)) {
    const problem = strictProblemAt(schema.items, [...context, "items"]);
    if (problem !== undefined) return problem;
  }
  for (const keyword of ["anyOf", "oneOf", "allOf"] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    for (let i = 0; i < branches.length; i++) {
      const problem = strictProblemAt(branches[i], [...context, keyword, i]);
      if (problem !== undefined) return problem;
    }
  }
  for (const keyword of ["$defs", "definitions"] as const) {
    const defs = schema[keyword];
    if (!isRecord(defs)) continue;
    for (const [name, sub] of Object.entries(defs)) {
      const problem = strictProblemAt(sub, [...context, keyword, name]);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** OpenAI's schema errors print the path as a Python tuple: `()`, `('items',)`, `('properties', 'a')`. */
function pythonTuple(items: (string | number)[]): string {
  const shown = items.map((item) => (typeof item === "number" ? String(item) : `'${item}'`));
  return `(${shown.join(", ")}${shown.length === 1 ? "," : ""})`;
}

/** A local reference: `#` or a JSON pointer `#/$defs/node`. */
function resolveRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

function isNullSchema(schema: unknown): boolean {
  return isRecord(schema) && (schema.type === "null" || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null));
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
