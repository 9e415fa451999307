import { describe, expect, it } from "vitest";
import { deploymentSchema } from "../../src/config/index.js";
import type { CompletionRequest } from "../../src/core/types.js";
import { maxTokensParamOf } from "../../src/provider/index.js";
import { countMessageTokens, countRequestTokens, IMAGE_TOKENS_HIGH } from "../../src/pricing/index.js";
import { createRequestFit } from "../../src/provider/request-fit.js";

const deployment = (over: Record<string, unknown>) => deploymentSchema.parse({ model: "x/y", base_url: "http://127.0.0.1:1/v1", ...over });
const request = (content: string, params: Partial<CompletionRequest["params"]> = {}): CompletionRequest => ({
  requestId: "r",
  messages: [{ role: "user", content }],
  endpoint: "",
  caller: { id: "", plan: "", metadata: {} },
  params: { stop: [], responseFormat: "text", ...params },
  cacheBypass: false,
});

describe("request fit", () => {
  it("fits a small request into any window", () => {
    const fit = createRequestFit(request("hello there", { maxOutputTokens: 100 }));
    expect(fit.unsuitability(deployment({ context_window: 200 }))).toBeUndefined();
  });

  it("counts input plus max output tokens against the context window", () => {
    const text = "word ".repeat(2000);
    const needed = countMessageTokens([{ role: "user", content: text }]) + 500;
    const fit = createRequestFit(request(text, { maxOutputTokens: 500 }));
    expect(fit.unsuitability(deployment({ context_window: needed }))).toBeUndefined();
    expect(fit.unsuitability(deployment({ context_window: needed - 1 }))).toBe(`needs ~${needed} tokens (input + max output), context window is ${needed - 1}`);
    expect(fit.contextLimited).toBe(true);
  });

  it("after an upstream context-length error, only larger windows fit", () => {
    const fit = createRequestFit(request("short"));
    fit.exceeded(8_000);
    expect(fit.unsuitability(deployment({ context_window: 8_000 }))).toMatch(/already exceeded/);
    expect(fit.unsuitability(deployment({ context_window: 4_000 }))).toMatch(/already exceeded/);
    expect(fit.unsuitability(deployment({ context_window: 8_001 }))).toBeUndefined();
  });

  it("needs the json capability for JSON mode", () => {
    const fit = createRequestFit(request("give me json", { responseFormat: "json_object" }));
    expect(fit.unsuitability(deployment({ capabilities: ["tools"] }))).toMatch(/JSON mode/);
    expect(fit.unsuitability(deployment({ capabilities: ["json"] }))).toBeUndefined();
  });

  it("needs tools for tools offered or used in the history, vision for an image, json_schema for a schema, and names what is missing", () => {
    const tools = createRequestFit(request("weather?", { tools: [{ name: "get_weather" }] }));
    expect(tools.unsuitability(deployment({ capabilities: ["json"] }))).toBe("tools requested; deployment lacks the tools capability");
    expect(tools.unsuitability(deployment({ capabilities: ["tools"] }))).toBeUndefined();
    expect(tools.missingCapabilities).toEqual(["tools"]);
    // A tool result in the conversation is a tools request even without tool definitions.
    const history: CompletionRequest = { ...request("x"), messages: [{ role: "user", content: "x" }, { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] }, { role: "tool", content: "42", toolCallId: "c1" }] };
    expect(createRequestFit(history).unsuitability(deployment({ capabilities: [] }))).toMatch(/lacks the tools capability/);
    const image: CompletionRequest = { ...request("x"), messages: [{ role: "user", content: "what is it", parts: [{ type: "text", text: "what is it" }, { type: "image", url: "https://e.com/a.png" }] }] };
    const schema = request("x", { responseFormat: "json_schema", jsonSchema: { name: "v", schema: { type: "object" } } });
    const both = createRequestFit({ ...image, params: schema.params });
    expect(both.unsuitability(deployment({ capabilities: ["json"] }))).toBe("a JSON schema (structured output), an image requested; deployment lacks the json_schema, vision capabilities");
    expect(both.missingCapabilities).toEqual(["json_schema", "vision"]);
    expect(both.unsuitability(deployment({ capabilities: ["json_schema", "vision"] }))).toBeUndefined();
  });

  it("counts an image and the tool definitions against the window", () => {
    const image: CompletionRequest = { ...request("x"), messages: [{ role: "user", content: "hi", parts: [{ type: "text", text: "hi" }, { type: "image", url: "https://e.com/a.png", detail: "high" }] }] };
    const needed = countMessageTokens(image.messages) + IMAGE_TOKENS_HIGH;
    expect(countRequestTokens(image)).toBe(needed);
    expect(createRequestFit(image).unsuitability(deployment({ context_window: needed - 1, capabilities: ["vision"] }))).toMatch(/needs ~/);
    expect(createRequestFit(image).unsuitability(deployment({ context_window: needed, capabilities: ["vision"] }))).toBeUndefined();
    const tool = { name: "lookup", description: "d ".repeat(500), parameters: { type: "object" } };
    expect(countRequestTokens(request("hi", { tools: [tool] }))).toBeGreaterThan(countRequestTokens(request("hi")) + 400);
  });
});

describe("max tokens parameter", () => {
  it("uses max_completion_tokens for OpenAI o-series models, max_tokens otherwise", () => {
    for (const model of ["o1", "openai/o1-mini", "openai/o3", "o3-pro", "openai/o4-mini-2025-04-16"]) {
      expect(maxTokensParamOf({ model })).toBe("max_completion_tokens");
    }
    for (const model of ["openai/gpt-4o-mini", "anthropic/claude-opus-4-7", "ollama/llama3", "acme/o3x", "omni"]) {
      expect(maxTokensParamOf({ model })).toBe("max_tokens");
    }
  });
  it("lets the deployment override the guess", () => {
    expect(maxTokensParamOf({ model: "openai/gpt-4o", max_tokens_param: "max_completion_tokens" })).toBe("max_completion_tokens");
    expect(maxTokensParamOf({ model: "openai/o3", max_tokens_param: "max_tokens" })).toBe("max_tokens");
  });
});
