// The generator behind tool-call arguments and structured outputs: for each
// schema a value zod's JSON-schema reader accepts, the same value every time,
// and recursive schemas that end; and the strict-mode checks, worded as
// OpenAI words them.
import { describe, expect, it } from "vitest";
import { exampleOf, strictSchemaProblem } from "../../src/demo/fake-json-schema.js";
import { matchesSchema } from "./wire-checks.js";

const none = { text: "" };

describe("exampleOf", () => {
  it.each([
    { name: "string formats", schema: { type: "object", properties: { at: { type: "string", format: "date-time" }, mail: { type: "string", format: "email" }, id: { type: "string", format: "uuid" }, site: { type: "string", format: "uri" } }, required: ["at", "mail", "id", "site"] } },
    { name: "string lengths", schema: { type: "object", properties: { code: { type: "string", minLength: 20 }, tag: { type: "string", maxLength: 3 } }, required: ["code", "tag"] } },
    { name: "integer bounds", schema: { type: "object", properties: { a: { type: "integer", minimum: 5 }, b: { type: "integer", maximum: -2 }, c: { type: "integer", exclusiveMinimum: 1 }, d: { type: "integer", minimum: 3, multipleOf: 5 } }, required: ["a", "b", "c", "d"] } },
    { name: "number bounds", schema: { type: "object", properties: { p: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, q: { type: "number", minimum: 1.5 } }, required: ["p", "q"] } },
    { name: "enums and consts", schema: { type: "object", properties: { kind: { enum: ["b", "a"] }, version: { const: 2 } }, required: ["kind", "version"] } },
    { name: "nullable types and unions", schema: { type: "object", properties: { n: { type: ["null", "string"] }, u: { anyOf: [{ type: "integer" }, { type: "string" }] } }, required: ["n", "u"] } },
    { name: "arrays with bounds", schema: { type: "object", properties: { many: { type: "array", minItems: 3, items: { type: "boolean" } }, none: { type: "array", maxItems: 0, items: { type: "string" } } }, required: ["many", "none"] } },
    { name: "unique enum items", schema: { type: "array", minItems: 2, uniqueItems: true, items: { enum: ["x", "y", "z"] } } },
    { name: "references", schema: { type: "object", properties: { home: { $ref: "#/$defs/address" } }, required: ["home"], $defs: { address: { type: "object", properties: { zip: { type: "string" } }, required: ["zip"], additionalProperties: false } } } },
    { name: "a closed object with optional properties", schema: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"], additionalProperties: false } },
  ])("builds a valid value for $name", ({ schema }) => {
    const value = exampleOf(schema, none);
    expect(matchesSchema(schema, value)).toBe(true);
    expect(exampleOf(schema, none)).toEqual(value);
  });

  it("fills required properties only, echoing string values the user's text names", () => {
    const schema = { type: "object", properties: { city: { type: "string" }, country: { type: "string" }, zip: { type: "string" } }, required: ["city", "country"] };
    expect(exampleOf(schema, { text: "Forecast for City=Bergen, country: 'Norway'." })).toEqual({ city: "Bergen", country: "Norway" });
    expect(exampleOf(schema, { text: "no names here" })).toEqual({ city: "sample city", country: "sample country" });
  });

  it("ends a recursive schema", () => {
    const tree = { type: "object", properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#" } } }, required: ["label", "children"] };
    const value = exampleOf(tree, none);
    expect(matchesSchema(tree, value)).toBe(true);
    expect(JSON.stringify(value).length).toBeLessThan(2000);
  });

  it("keeps a property named __proto__ a property", () => {
    // Parsed, as the fake gets it: an object literal would set the prototype instead.
    const schema: unknown = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"integer"}},"required":["__proto__","constructor"]}');
    expect(JSON.stringify(exampleOf(schema, none))).toBe('{"__proto__":1,"constructor":"sample"}');
  });
});

describe("strictSchemaProblem", () => {
  const closed = (properties: Record<string, unknown>) => ({ type: "object", properties, required: Object.keys(properties), additionalProperties: false });

  it("accepts a schema whose objects are all closed and fully required", () => {
    expect(strictSchemaProblem(closed({ a: { type: "string" }, b: { type: "array", items: closed({ c: { type: "integer" } }) } }))).toBeUndefined();
  });

  it("names the path of the first open object as OpenAI does", () => {
    expect(strictSchemaProblem(closed({ a: { type: "object", properties: {} } }))).toBe(
      "In context=('properties', 'a'), 'additionalProperties' is required to be supplied and to be false.",
    );
    expect(strictSchemaProblem(closed({ list: { type: "array", items: { type: "object", properties: { x: { type: "string" } }, additionalProperties: false } } }))).toBe(
      "In context=('properties', 'list', 'items'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'x'.",
    );
  });
});
