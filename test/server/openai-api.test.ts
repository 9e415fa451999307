// The OpenAI-compatible HTTP API, driven by the official `openai` package
// with nothing changed but baseURL and apiKey: what an existing OpenAI-SDK
// codebase gets when it points at tierd.
import OpenAI, { APIError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authConfigYaml, testKey } from "../callers/keys.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const caps = "\n    capabilities: [json, json_schema, tools, vision]";
/** The base test config with every deployment able to do everything. */
function capable(yaml: string): string {
  return yaml.replace(/(api_key: test-key-(nano|mid|frontier))/g, `$1${caps}`);
}

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, required: ["city", "unit"], additionalProperties: false },
    strict: true,
  },
};

describe("OpenAI SDK against tierd, authentication off", () => {
  let t: TestTierd;
  let client: OpenAI;
  beforeAll(async () => {
    const base = (await import("../helpers/tierd.js")).baseConfigYaml("{{FAKE}}");
    t = await startTestTierd({
      yaml: capable(base) + "policy:\n  rules:\n    - { name: reviews, when: { endpoint: /api/review }, tier: frontier }\n",
      fake: { toolArgumentChunkChars: 4 },
    });
    client = new OpenAI({ baseURL: `${t.tierd.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => t.fake.reset());

  it("chat.completions.create: the answer, the decision in x-tierd headers and in a tierd object", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "tierd/auto", messages: [{ role: "user", content: "Is 7 a prime number?" }] })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]?.message.content).toMatch(/Simulated answer from openai\/gpt-4o-mini/);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.model).toBe("openai/gpt-4o-mini");
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get("x-tierd-tier")).toBe("nano");
    expect(response.headers.get("x-tierd-deployment")).toBe("nano-1");
    expect(Number(response.headers.get("x-tierd-cost-usd"))).toBeGreaterThan(0);
    const requestId = response.headers.get("x-tierd-request-id");
    expect(data.id).toBe(`chatcmpl-${requestId}`);
    const tierd = (data as unknown as { tierd: { tier: string; decision: { decided_by: string }; cost_pico_usd: string } }).tierd;
    expect(tierd.tier).toBe("nano");
    expect(tierd.decision.decided_by).toBe("local_classifier");
    expect(BigInt(tierd.cost_pico_usd)).toBeGreaterThan(0n);
  });

  it("a tier name as model is a tier override; x-tierd-endpoint reaches the rules; unknown models list the valid names", async () => {
    const { response } = await client.chat.completions.create({ model: "mid", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(response.headers.get("x-tierd-tier")).toBe("mid");
    const reviewed = await client.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-tierd-endpoint": "/api/review" } })
      .withResponse();
    expect(reviewed.response.headers.get("x-tierd-tier")).toBe("frontier");
    const err = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/unknown model "gpt-4o": use one of tierd\/auto, auto, nano, mid, frontier/);
    expect((err as APIError).param).toBe("model");
  });

  it("streams chunks the SDK reads, with include_usage and [DONE]", async () => {
    const unary = await client.chat.completions.create({ model: "nano", messages: [{ role: "user", content: "Name three colours" }] });
    const stream = await client.chat.completions.create({ model: "nano", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Name three colours" }] });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.choices[0]?.delta.content) text += chunk.choices[0].delta.content;
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(unary.choices[0]?.message.content);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("tools: a call, the tool's result, a final answer; streamed arguments assemble to the same call", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Lisbon, in celsius?" }];
    const first = await client.chat.completions.create({ model: "mid", messages, tools: [weather], tool_choice: "auto" });
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("no function call");
    expect(Object.keys(JSON.parse(call.function.arguments) as object).sort()).toEqual(["city", "unit"]);
    expect(first.choices[0]?.message.content).toBeNull();

    const streamed = await client.chat.completions.stream({ model: "mid", messages, tools: [weather] }).finalChatCompletion();
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    expect(streamedCall?.type === "function" && streamedCall.function.arguments).toBe(call.function.arguments);
    expect(streamed.choices[0]?.finish_reason).toBe("tool_calls");

    const second = await client.chat.completions.create({
      model: "mid",
      messages: [...messages, first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"temp_c": 19}' }],
      tools: [weather],
    });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toContain('{"temp_c": 19}');
  });

  it("response_format json_schema and json_object", async () => {
    const schema = { type: "object", properties: { label: { type: "string", enum: ["spam", "ham"] } }, required: ["label"], additionalProperties: false };
    const res = await client.chat.completions.create({
      model: "nano",
      messages: [{ role: "user", content: "WIN A PRIZE NOW" }],
      response_format: { type: "json_schema", json_schema: { name: "label", schema, strict: true } },
    });
    expect(Object.keys(JSON.parse(res.choices[0]?.message.content ?? "null") as object)).toEqual(["label"]);
    expect(t.fake.requests[0]?.responseFormatObject).toEqual({ type: "json_schema", json_schema: { name: "label", schema, strict: true } });
    const obj = await client.chat.completions.create({ model: "nano", messages: [{ role: "user", content: "Reply in JSON" }], response_format: { type: "json_object" } });
    expect(() => JSON.parse(obj.choices[0]?.message.content ?? "")).not.toThrow();
  });

  it("images as content parts reach the upstream", async () => {
    await client.chat.completions.create({
      model: "nano",
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } }] }],
    });
    expect(t.fake.requests[0]?.messages[0]?.parts).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } },
    ]);
  });

  it("refuses parameters it cannot pass on, by name, and accepts them at their defaults", async () => {
    const err = await client.chat.completions.create({ model: "nano", messages: [{ role: "user", content: "hi" }], logprobs: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/does not support "logprobs"/);
    const ok = await client.chat.completions.create({ model: "nano", messages: [{ role: "user", content: "hi" }], n: 1, frequency_penalty: 0, store: false });
    expect(ok.choices).toHaveLength(1);
  });

  it("a stream cut after content ends with an error event the SDK throws on, never a clean end", async () => {
    t.fake.inject({ model: "openai/gpt-4o-mini", fault: { cutAfterChunks: 2 } });
    const stream = await client.chat.completions.create({ model: "nano", stream: true, messages: [{ role: "user", content: "Tell me a long story" }] });
    let text = "";
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/failed after/);
  });

  it("upstream down before the first token: an HTTP status (503) the SDK's retry logic understands", async () => {
    t.fake.inject({ times: Infinity, fault: { status: 503 } });
    const err = await client.chat.completions.create({ model: "nano", stream: true, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as APIError).status).toBe(503);
    expect((err as APIError).code).toBe("unavailable");
  });

  it("models.list names the routing models and each tier's deployments", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(["tierd/auto", "auto", "nano", "mid", "frontier", "tierd/nano", "tierd/mid", "tierd/frontier"]);
  });

  it("a bad body is a 400 in OpenAI's error shape, not a crash", async () => {
    const res = await fetch(`${t.tierd.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const deep = await fetch(`${t.tierd.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "[".repeat(100_000) + "]".repeat(100_000) });
    expect(deep.status).toBe(400);
  });
});

describe("OpenAI SDK against tierd, authentication on", () => {
  const key = testKey("tierd_test_sdk_caller_0a9b8c7d6e5f4a3b2c1d", "sdk-svc", { max_tier: "mid", rate_limit: "two" });
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ yaml: authConfigYaml("{{FAKE}}", [key], { rate_limits: { two: { requests_per_minute: 2 } } }) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("the same keys as the RPCs: 401 without one, 403 above the key's tier, 429 with retry-after past its rate limit", async () => {
    const anonymous = new OpenAI({ baseURL: `${t.tierd.url}/v1`, apiKey: "tierd_wrong_key", maxRetries: 0 });
    const unauth = await anonymous.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(unauth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await anonymous.models.list().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);

    const client = new OpenAI({ baseURL: `${t.tierd.url}/v1`, apiKey: key.key, maxRetries: 0 });
    const denied = await client.chat.completions.create({ model: "frontier", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const responses: unknown[] = [];
    for (let i = 0; i < 3; i++) responses.push(await client.chat.completions.create({ model: "nano", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e));
    const limited = responses.find((r) => r instanceof OpenAI.RateLimitError) as APIError | undefined;
    expect(limited).toBeDefined();
    expect(Number(limited!.headers?.get("retry-after"))).toBeGreaterThan(0);
  });
});
