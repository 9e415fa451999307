// Function calling on the fake upstream, read through the official `openai`
// SDK (the reference for the wire format): which tools it calls and with
// what arguments, the round trip with a tool result, streamed calls as
// OpenAI streams them, and the faults that count chunks applied to them.
import OpenAI from "openai";
import { zodFunction } from "openai/helpers/zod";
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { approxTokens, startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { matchesSchema, refusalOf } from "./wire-checks.js";

const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
        detailed: { type: "boolean" },
        note: { type: "string" },
      },
      required: ["city", "unit", "days", "detailed"],
      additionalProperties: false,
    },
  },
} satisfies ChatCompletionTool;

const lookupOrder = {
  type: "function",
  function: {
    name: "lookup_order",
    parameters: {
      type: "object",
      properties: {
        order: {
          type: "object",
          properties: {
            id: { type: "string" },
            items: { type: "array", items: { type: "object", properties: { sku: { type: "string" }, qty: { type: "number", minimum: 2 } }, required: ["sku", "qty"] } },
          },
          required: ["id", "items"],
        },
      },
      required: ["order"],
    },
  },
} satisfies ChatCompletionTool;

const getTime = { type: "function", function: { name: "get_time" } } satisfies ChatCompletionTool;

const CALL_ID = /^call_[A-Za-z0-9]{24}$/;

describe("fake upstream: tool calls", () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ toolArgumentChunkChars: 5 });
    client = new OpenAI({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) =>
    client.chat.completions.create({ model: "test/mid-1", messages: [{ role: "user", content }], tools: [weather, lookupOrder, getTime], ...extra });

  it("calls the first tool with arguments built from its schema's required properties", async () => {
    const completion = await ask("What is the weather? city: Paris");
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.id).toMatch(CALL_ID);
    expect(call.function.name).toBe("get_weather");
    expect(typeof call.function.arguments).toBe("string");
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(Object.keys(args).sort()).toEqual([...weather.function.parameters.required].sort());
    // The schema decides every value; the city is echoed from "city: Paris".
    expect(args).toEqual({ city: "Paris", unit: "celsius", days: 1, detailed: true });
    expect(matchesSchema(weather.function.parameters, args)).toBe(true);
    expect(completion.usage?.completion_tokens).toBe(approxTokens(call.function.arguments));
  });

  it("answers the same request with the same calls and ids", async () => {
    const first = await ask("weather please");
    const second = await ask("weather please");
    expect(second.choices[0]!.message.tool_calls).toEqual(first.choices[0]!.message.tool_calls);
  });

  it("counts the tool definitions in prompt tokens", async () => {
    const tools = [weather, lookupOrder, getTime];
    const withTools = await ask("hello", { tool_choice: "none" });
    const without = await client.chat.completions.create({ model: "test/mid-1", messages: [{ role: "user", content: "hello" }] });
    expect(withTools.usage!.prompt_tokens - without.usage!.prompt_tokens).toBe(approxTokens(JSON.stringify(tools)));
  });

  it("calls the tool tool_choice names, once, with finish reason stop as OpenAI does", async () => {
    const completion = await ask('order status [[fake:{"toolCalls":3}]]', { tool_choice: { type: "function", function: { name: "lookup_order" } } });
    const choice = completion.choices[0]!;
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("lookup_order");
    const args = JSON.parse(call.function.arguments) as { order: { id: string; items: { sku: string; qty: number }[] } };
    expect(args).toEqual({ order: { id: "sample id", items: [{ sku: "sample sku", qty: 2 }] } });
    expect(matchesSchema(lookupOrder.function.parameters, args)).toBe(true);
    expect(choice.finish_reason).toBe("stop");
  });

  it("refuses a tool_choice that names no tool in the request with OpenAI's 400", async () => {
    const error = await refusalOf(ask("hi", { tool_choice: { type: "function", function: { name: "launch_rockets" } } }));
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe("tool_choice");
    expect(error.message).toContain("launch_rockets");
    // The refused call still reached the fake: tests can see tierd made it.
    expect(fake.requestCount()).toBe(1);
  });

  it("makes N parallel calls for a toolCalls directive, and one when parallel_tool_calls is false", async () => {
    const parallel = await ask('check everything [[fake:{"toolCalls":3}]]');
    const calls = parallel.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => (c.type === "function" ? c.function.name : c.type))).toEqual(["get_weather", "lookup_order", "get_time"]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(3);
    for (const call of calls) expect(call.id).toMatch(CALL_ID);
    const last = calls[2]!;
    expect(last.type === "function" && last.function.arguments).toBe("{}");

    const serial = await ask('check everything [[fake:{"toolCalls":3}]]', { parallel_tool_calls: false });
    expect(serial.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it("answers with text for tool_choice none, or toolCalls 0 when the choice is the model's, but not when a call is required", async () => {
    const none = await ask("hello", { tool_choice: "none" });
    expect(none.choices[0]!.finish_reason).toBe("stop");
    expect(none.choices[0]!.message.content).toContain("Simulated answer");
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();

    const declined = await ask('hello [[fake:{"toolCalls":0}]]');
    expect(declined.choices[0]!.message.content).toContain("Simulated answer");

    const required = await ask('hello [[fake:{"toolCalls":0}]]', { tool_choice: "required" });
    expect(required.choices[0]!.finish_reason).toBe("tool_calls");
    expect(required.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it("answers a tool result with text containing it, accepting the assistant's tool_calls with null content", async () => {
    const user: ChatCompletionMessageParam = { role: "user", content: "Weather in Oslo? city: Oslo" };
    const first = await client.chat.completions.create({ model: "test/mid-1", messages: [user], tools: [weather] });
    const asked = first.choices[0]!.message;
    const callId = asked.tool_calls![0]!.id;
    const second = await client.chat.completions.create({
      model: "test/mid-1",
      tools: [weather],
      messages: [user, asked, { role: "tool", tool_call_id: callId, content: "-3 degrees and snowing" }],
    });
    const choice = second.choices[0]!;
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.message.content).toContain("The tool returned: -3 degrees and snowing");

    const recorded = fake.requests[1]!;
    expect(recorded.messages[1]).toEqual({ role: "assistant", content: "", toolCalls: asked.tool_calls });
    expect(recorded.messages[2]).toEqual({ role: "tool", content: "-3 degrees and snowing", toolCallId: callId });
  });

  it("answers several tool results together", async () => {
    const user: ChatCompletionMessageParam = { role: "user", content: 'both [[fake:{"toolCalls":2}]]' };
    const first = await client.chat.completions.create({ model: "test/mid-1", messages: [user], tools: [weather, getTime] });
    const asked = first.choices[0]!.message;
    const [a, b] = asked.tool_calls!;
    const second = await client.chat.completions.create({
      model: "test/mid-1",
      tools: [weather, getTime],
      messages: [user, asked, { role: "tool", tool_call_id: a!.id, content: "sunny" }, { role: "tool", tool_call_id: b!.id, content: "12:00" }],
    });
    expect(second.choices[0]!.message.content).toBe("The tools returned: sunny; 12:00");
  });

  it("refuses a tool-call history OpenAI refuses", async () => {
    const orphan = await refusalOf(
      client.chat.completions.create({ model: "test/mid-1", messages: [{ role: "user", content: "hi" }, { role: "tool", tool_call_id: "call_1", content: "42" }] }),
    );
    expect(orphan.status).toBe(400);
    expect(orphan.param).toBe("messages.[1].role");
    expect(orphan.message).toContain("must be a response to a preceeding message with 'tool_calls'");

    const unanswered = await refusalOf(
      client.chat.completions.create({
        model: "test/mid-1",
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "get_time", arguments: "{}" } }] },
          { role: "user", content: "well?" },
        ],
      }),
    );
    expect(unanswered.status).toBe(400);
    expect(unanswered.message).toContain("The following tool_call_ids did not have response messages: call_a");
  });

  it("refuses a strict function whose schema leaves objects open, naming where", async () => {
    const failure = await refusalOf(
      client.chat.completions.create({
        model: "test/mid-1",
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "f", strict: true, parameters: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } } }],
      }),
    );
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({
      message: "Invalid schema for function 'f': In context=(), 'additionalProperties' is required to be supplied and to be false.",
      type: "invalid_request_error",
      param: "tools[0].function.parameters",
      code: "invalid_function_parameters",
    });
  });

  it("gives strict zod tools arguments that the SDK parses and zod accepts", async () => {
    const tool = zodFunction({
      name: "book_flight",
      parameters: z.object({ from: z.string(), to: z.string(), passengers: z.number().int().min(1), cabin: z.enum(["economy", "business"]), returnDate: z.string().nullable() }),
    });
    const completion = await client.chat.completions.parse({ model: "test/mid-1", messages: [{ role: "user", content: "from: OSL to: LIS" }], tools: [tool] });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.function.parsed_arguments).toEqual({ from: "OSL", to: "LIS", passengers: 1, cabin: "economy", returnDate: "sample returnDate" });
  });

  it("cuts tool-call arguments at max_tokens with finish reason length", async () => {
    const completion = await ask("weather", { max_tokens: 3 });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("length");
    const call = choice.message.tool_calls![0]!;
    expect(call.type === "function" && call.function.arguments.length).toBe(12);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(3);
  });

  it("records tools, tool_choice and the sampling parameters as sent", async () => {
    await ask("hi", { tool_choice: "auto", parallel_tool_calls: true, top_p: 0.5, seed: 7, stop: ["END"], user: "u-1", reasoning_effort: "low" });
    const recorded = fake.requests[0]!;
    expect(recorded.tools).toEqual([weather, lookupOrder, getTime]);
    expect(recorded.toolChoice).toBe("auto");
    expect(recorded.parallelToolCalls).toBe(true);
    expect([recorded.topP, recorded.seed, recorded.stop, recorded.user, recorded.reasoningEffort]).toEqual([0.5, 7, ["END"], "u-1", "low"]);
    expect(recorded.messages).toEqual([{ role: "user", content: "hi" }]);
  });
});

describe("fake upstream: streamed tool calls", () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  const PIECE = 7;
  beforeAll(async () => {
    fake = await startFakeUpstream();
    client = new OpenAI({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });

  const request = {
    model: "test/mid-1",
    messages: [{ role: "user", content: 'weather and order, city: "São Paulo 🌧" [[fake:{"toolCalls":2}]]' }],
    tools: [weather, lookupOrder],
  } satisfies ChatCompletionCreateParamsNonStreaming;

  const streamChunks = async (extra: Record<string, unknown> = {}): Promise<ChatCompletionChunk[]> => {
    const stream = await client.chat.completions.create({ ...request, ...extra, stream: true, stream_options: { include_usage: true } });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  it("streams each call's id and name first, then its arguments in pieces that add up to the unstreamed arguments", async () => {
    const whole = (await client.chat.completions.create(request)).choices[0]!.message.tool_calls!;
    const chunks = await streamChunks();

    const withChoice = chunks.filter((c) => c.choices.length > 0);
    const first = withChoice[0]!.choices[0]!.delta;
    expect(first.role).toBe("assistant");
    expect(first.tool_calls).toEqual([{ index: 0, id: whole[0]!.id, type: "function", function: { name: "get_weather", arguments: "" } }]);
    expect(withChoice.slice(1).every((c) => c.choices[0]!.delta.role === undefined)).toBe(true);

    const args: string[] = [];
    const ids: string[] = [];
    for (const chunk of withChoice) {
      for (const delta of chunk.choices[0]!.delta.tool_calls ?? []) {
        if (delta.id !== undefined) ids[delta.index] = delta.id;
        const piece = delta.function?.arguments ?? "";
        expect(Array.from(piece).length).toBeLessThanOrEqual(PIECE);
        args[delta.index] = (args[delta.index] ?? "") + piece;
      }
    }
    expect(ids).toEqual(whole.map((c) => c.id));
    expect(args).toEqual(whole.map((c) => (c.type === "function" ? c.function.arguments : "")));
    expect(JSON.parse(args[0]!)).toMatchObject({ city: "São Paulo 🌧" });

    const last = withChoice.at(-1)!.choices[0]!;
    expect(last.delta).toEqual({});
    expect(last.finish_reason).toBe("tool_calls");
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.completion_tokens).toBe(approxTokens(args.join("")));
  });

  it("puts on the wire what OpenAI does: usage null on every chunk but the last, then [DONE]", async () => {
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
    });
    const events = (await res.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const bodies = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")) as Record<string, unknown>);
    expect(bodies.slice(0, -1).every((b) => b.usage === null)).toBe(true);
    expect(bodies.at(-1)!.usage).toMatchObject({ prompt_tokens: expect.any(Number) });
    expect((bodies[0]!.choices as { delta: unknown }[])[0]!.delta).toMatchObject({ role: "assistant", content: null, refusal: null });
  });

  it("reassembles in the SDK's own stream helper to the unstreamed completion", async () => {
    const whole = await client.chat.completions.create(request);
    const stream = client.chat.completions.stream({ ...request, stream_options: { include_usage: true } });
    const done: string[] = [];
    stream.on("tool_calls.function.arguments.done", (event) => done.push(event.name));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.choices[0]!.message.tool_calls).toEqual(whole.choices[0]!.message.tool_calls);
    expect(done).toEqual(["get_weather", "lookup_order"]);
    expect(final.usage).toEqual(whole.usage);
  });

  it("cuts a streamed tool call after cutAfterChunks chunks", async () => {
    const cut = { ...request, messages: [{ role: "user", content: 'weather [[fake:{"cutAfterChunks":3}]]' }] } satisfies ChatCompletionCreateParamsNonStreaming;
    const stream = await client.chat.completions.create({ ...cut, stream: true });
    const received: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    // The opening chunk (id and name) and two pieces of arguments, no finish reason.
    expect(received).toHaveLength(3);
    expect(received[0]!.choices[0]!.delta.tool_calls?.[0]?.id).toMatch(CALL_ID);
    expect(received.every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
  });

  it("ends a streamed tool call without finish reason for noDone, which the SDK's helper refuses", async () => {
    const stream = client.chat.completions.stream({ ...request, messages: [{ role: "user", content: 'weather [[fake:{"noDone":true}]]' }] });
    await expect(stream.finalChatCompletion()).rejects.toThrow(/missing finish_reason/);
  });
});
