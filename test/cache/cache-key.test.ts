import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { responseKeys } from "../../src/cache/index.js";
import type { ChatMessage, CompletionRequest, GenerationParams } from "../../src/core/types.js";

function request(messages: ChatMessage[], params: Partial<GenerationParams> = {}, other: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    requestId: "r1",
    messages,
    endpoint: "/e",
    caller: { id: "svc", plan: "pro", metadata: {} },
    params: { stop: [], responseFormat: "text", temperature: 0, ...params },
    cacheBypass: false,
    ...other,
  };
}

const conversation: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "What is 2+2?" },
  { role: "assistant", content: "4" },
  { role: "tool", content: "{}", toolCallId: "call_1" },
  { role: "user", content: "And 3+3?" },
];
const key = (r: CompletionRequest, model = "openai/gpt-4o-mini") => responseKeys(r, [model])[0]!;

describe("response cache keys", () => {
  const base = key(request(conversation));

  it("is a SHA-256 in hex, stable for the same conversation, parameters and model", () => {
    expect(base).toMatch(/^r:[0-9a-f]{64}$/);
    expect(key(request(structuredClone(conversation)))).toBe(base);
  });

  it("ignores who asked and why: caller, endpoint, request id", () => {
    expect(key(request(conversation, {}, { requestId: "other", endpoint: "/x", caller: { id: "b", plan: "free", metadata: { a: "b" } } }))).toBe(base);
  });

  it("changes with any message field of any turn", () => {
    const variants: ChatMessage[][] = [
      conversation.map((m, i) => (i === 4 ? { ...m, content: "And 4+4?" } : m)),
      conversation.map((m, i) => (i === 1 ? { ...m, content: "What is 2+3?" } : m)),
      conversation.map((m, i) => (i === 0 ? { ...m, role: "user" as const } : m)),
      conversation.map((m, i) => (i === 2 ? { ...m, name: "helper" } : m)),
      conversation.map((m, i) => (i === 3 ? { ...m, toolCallId: "call_2" } : m)),
      conversation.slice(1),
      [...conversation, { role: "user", content: "" }],
    ];
    const keys = variants.map((v) => key(request(v)));
    expect(new Set([base, ...keys]).size).toBe(variants.length + 1);
  });

  it("does not confuse content split differently across messages", () => {
    const a = key(request([{ role: "user", content: "ab" }, { role: "user", content: "c" }]));
    const b = key(request([{ role: "user", content: "a" }, { role: "user", content: "bc" }]));
    expect(a).not.toBe(b);
  });

  it("ignores a tool_call_id on a message that is not a tool result, as the upstream body does", () => {
    const withId = conversation.map((m, i) => (i === 1 ? { ...m, toolCallId: "ignored" } : m));
    expect(key(request(withId))).toBe(base);
  });

  it("changes with every generation parameter that changes the output", () => {
    const params: Partial<GenerationParams>[] = [
      { temperature: 0.5 },
      { maxOutputTokens: 10 },
      { topP: 0.9 },
      { stop: ["END"] },
      { seed: 42 },
      { responseFormat: "json_object" },
    ];
    const keys = params.map((p) => key(request(conversation, p)));
    const unsetTemperature = request(conversation);
    delete unsetTemperature.params.temperature;
    keys.push(key(unsetTemperature));
    expect(new Set([base, ...keys]).size).toBe(params.length + 2);
  });

  it("changes with tools, tool choice, images, tool calls and the JSON schema, and leaves plain keys as they were", () => {
    const weather = { name: "get_weather", parameters: { type: "object" } };
    const variants = [
      key(request(conversation, { tools: [weather] })),
      key(request(conversation, { tools: [{ ...weather, name: "other" }] })),
      key(request(conversation, { tools: [weather], toolChoice: "required" })),
      key(request(conversation, { tools: [weather], parallelToolCalls: false })),
      key(request(conversation, { responseFormat: "json_schema", jsonSchema: { name: "v", schema: { type: "object" } } })),
      key(request(conversation, { reasoningEffort: "high" })),
      key(request([...conversation.slice(0, 4), { role: "user", content: "And 3+3?", parts: [{ type: "text", text: "And 3+3?" }, { type: "image", url: "https://e.com/a.png" }] }])),
      key(request([...conversation.slice(0, 2), { role: "assistant", content: "4", toolCalls: [{ id: "c", name: "f", arguments: "{}" }] }, ...conversation.slice(3)])),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // The end user's id is for the provider's abuse monitoring: same answer, same key.
    expect(key(request(conversation, { user: "u-1" }))).toBe(base);
    // A plain request hashes exactly as before these fields existed (an upgrade keeps the cache warm).
    const before = [1, conversation.map((m) => [m.role, m.content, m.name ?? "", m.role === "tool" ? (m.toolCallId ?? "") : ""]), [null, 0, null, [], null, "text"]];
    expect(base).toBe(`r:${createHash("sha256").update(JSON.stringify(before)).update("\u0000").update("openai/gpt-4o-mini").digest("hex")}`);
  });

  it("changes with the model, and gives one key per model from one conversation hash", () => {
    const models = ["openai/gpt-4o-mini", "google/gemini-2.0-flash", "acme/model"];
    const keys = responseKeys(request(conversation), models);
    expect(keys).toEqual(models.map((m) => key(request(conversation), m)));
    expect(new Set(keys).size).toBe(3);
  });
});
