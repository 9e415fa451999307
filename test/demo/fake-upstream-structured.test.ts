// Structured outputs on the fake upstream (`response_format: json_schema`),
// and per-model capabilities: a model configured without tools, vision or
// JSON schemas refuses requests that need them with OpenAI's 400.
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { approxTokens, startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { matchesSchema, refusalOf } from "./wire-checks.js";

const invoice = {
  name: "invoice",
  strict: true,
  schema: {
    type: "object",
    properties: {
      number: { type: "string", minLength: 12 },
      issued: { type: "string", format: "date" },
      currency: { type: "string", enum: ["EUR", "USD"] },
      total: { type: "number", exclusiveMinimum: 0, maximum: 0.5 },
      paid: { type: "boolean" },
      lines: { type: "array", minItems: 2, items: { $ref: "#/$defs/line" } },
      note: { type: ["string", "null"] },
    },
    required: ["number", "issued", "currency", "total", "paid", "lines", "note"],
    additionalProperties: false,
    $defs: {
      line: { type: "object", properties: { sku: { type: "string" }, qty: { type: "integer", minimum: 3 } }, required: ["sku", "qty"], additionalProperties: false },
    },
  },
} satisfies ResponseFormatJSONSchema.JSONSchema;

describe("fake upstream: structured outputs", () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream();
    client = new OpenAI({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  // Malformed formats too, to see the fake refuse them.
  const ask = (response_format: unknown) =>
    client.chat.completions.create({
      model: "test/mid-1",
      messages: [{ role: "user", content: "Bill me, currency: USD sku: A-1" }],
      response_format: response_format as ResponseFormatJSONSchema,
    });

  it("answers a json_schema with content that validates against it", async () => {
    const completion = await ask({ type: "json_schema", json_schema: invoice });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("stop");
    const document = JSON.parse(choice.message.content!) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual([...invoice.schema.required].sort());
    expect(matchesSchema(invoice.schema, document)).toBe(true);
    expect(document).toMatchObject({ currency: "EUR", lines: [{ sku: "A-1", qty: 3 }, { sku: "A-1", qty: 3 }], note: "sample note" });
    expect(fake.requests[0]!.responseFormat).toBe("json_schema");
    expect(fake.requests[0]!.responseFormatObject).toEqual({ type: "json_schema", json_schema: invoice });
  });

  it("streams the same document it answers unstreamed", async () => {
    const whole = (await ask({ type: "json_schema", json_schema: invoice })).choices[0]!.message.content;
    const stream = client.chat.completions.stream({
      model: "test/mid-1",
      messages: [{ role: "user", content: "Bill me, currency: USD sku: A-1" }],
      response_format: { type: "json_schema", json_schema: invoice },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(whole);
  });

  it("answers a zod response format with content the SDK parses and zod accepts", async () => {
    const Recipe = z.object({
      title: z.string(),
      servings: z.number().int().min(2).max(8),
      steps: z.array(z.object({ text: z.string(), minutes: z.number() })),
      vegetarian: z.boolean(),
      cuisine: z.enum(["italian", "thai"]),
      source: z.string().nullable(),
    });
    const completion = await client.chat.completions.parse({
      model: "test/mid-1",
      messages: [{ role: "user", content: 'A recipe please, title: "Pad thai"' }],
      response_format: zodResponseFormat(Recipe, "recipe"),
    });
    const parsed = completion.choices[0]!.message.parsed;
    expect(Recipe.parse(parsed)).toEqual({ title: "Pad thai", servings: 2, steps: [{ text: "sample text", minutes: 1 }], vegetarian: true, cuisine: "italian", source: "sample source" });
  });

  it("counts the response schema in prompt tokens", async () => {
    const structured = await ask({ type: "json_schema", json_schema: invoice });
    const plain = await ask({ type: "text" });
    expect(structured.usage!.prompt_tokens - plain.usage!.prompt_tokens).toBe(approxTokens(JSON.stringify(invoice)));
  });

  it("keeps json_object answers as they were", async () => {
    const completion = await ask({ type: "json_object" });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ answer: "simulated answer from test/mid-1", topic: "Bill me, currency: USD sku: A-1" });
  });

  it.each([
    { name: "json_schema", format: { type: "json_schema" }, param: "response_format.json_schema" },
    { name: "its name", format: { type: "json_schema", json_schema: { schema: invoice.schema } }, param: "response_format.json_schema.name" },
    { name: "its schema", format: { type: "json_schema", json_schema: { name: "invoice" } }, param: "response_format.json_schema.schema" },
  ])("refuses a json_schema format without $name", async ({ format, param }) => {
    const failure = await refusalOf(ask(format));
    expect(failure.error).toEqual({ message: `Missing required parameter: '${param}'.`, type: "invalid_request_error", param, code: "missing_required_parameter" });
  });

  it("refuses a strict schema that leaves a property out of required, naming where", async () => {
    const schema = { ...invoice.schema, properties: { ...invoice.schema.properties, extra: { type: "string" } } };
    const failure = await refusalOf(ask({ type: "json_schema", json_schema: { name: "invoice", strict: true, schema } }));
    expect(failure.message).toContain(
      "Invalid schema for response_format 'invoice': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'extra'.",
    );
  });
});

describe("fake upstream: per-model capabilities", () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: { "test/plain": { tools: false, vision: false, jsonSchema: false }, "test/no-schema": { jsonSchema: false } } });
    client = new OpenAI({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const tool = { type: "function", function: { name: "get_time" } } as const;

  it("refuses tools for a model without them, with OpenAI's message, and counts the call", async () => {
    const failure = await refusalOf(client.chat.completions.create({ model: "test/plain", messages: [{ role: "user", content: "time?" }], tools: [tool] }));
    expect(failure.status).toBe(400);
    expect(failure.error).toMatchObject({ type: "invalid_request_error", param: "tools" });
    expect(failure.message).toContain("tools is not supported in this model.");
    expect(fake.requestCount()).toBe(1);
    expect(fake.requests[0]!.tools).toEqual([tool]);
  });

  it("refuses json_schema for a model without it, and takes json_object there", async () => {
    const failure = await refusalOf(
      client.chat.completions.create({ model: "test/no-schema", messages: [{ role: "user", content: "json" }], response_format: { type: "json_schema", json_schema: invoice } }),
    );
    expect(failure.param).toBe("response_format");
    expect(failure.message).toContain("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.");
    const jsonObject = await client.chat.completions.create({ model: "test/no-schema", messages: [{ role: "user", content: "json" }], response_format: { type: "json_object" } });
    expect(jsonObject.choices[0]!.finish_reason).toBe("stop");
  });

  it("lets models it does not list, and capabilities left out, do everything", async () => {
    const full = await client.chat.completions.create({ model: "test/other", messages: [{ role: "user", content: "time?" }], tools: [tool] });
    expect(full.choices[0]!.finish_reason).toBe("tool_calls");
    const noSchemaButTools = await client.chat.completions.create({ model: "test/no-schema", messages: [{ role: "user", content: "time?" }], tools: [tool] });
    expect(noSchemaButTools.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("answers plain text on a model with no capabilities", async () => {
    const text = await client.chat.completions.create({ model: "test/plain", messages: [{ role: "user", content: "hello" }] });
    expect(text.choices[0]!.message.content).toContain("Simulated answer from test/plain");
  });
});
