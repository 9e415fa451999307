// The fake upstream's own contract, where tests of tierd lean on it: a
// directive can target one model, and no answer bills more output tokens than
// max_tokens (budgets reserve exactly that bound).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approxTokens, startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";

describe("fake upstream", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream();
  });
  afterAll(async () => {
    await fake.close();
  });

  const chat = (model: string, content: string, extra: Record<string, unknown> = {}) =>
    fetch(`${fake.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content }], ...extra }),
    });

  it("applies a directive with a model field to that model only", async () => {
    const content = 'hello [[fake:{"model":"a/one","status":503}]]';
    expect((await chat("a/one", content)).status).toBe(503);
    expect((await chat("a/two", content)).status).toBe(200);
  });

  it("takes the first directive that applies to the model", async () => {
    const content = '[[fake:{"model":"a/one","status":503}]] [[fake:{"status":429}]]';
    expect((await chat("a/one", content)).status).toBe(503);
    expect((await chat("a/two", content)).status).toBe(429);
  });

  it("never reports more completion tokens than max_tokens", async () => {
    for (const max of [1, 3, 7, 20]) {
      const res = await chat("a/one", "Write a long story about routers", { max_tokens: max });
      const body = (await res.json()) as { choices: { message: { content: string }; finish_reason: string }[]; usage: { completion_tokens: number } };
      expect(body.usage.completion_tokens).toBeLessThanOrEqual(max);
      expect(approxTokens(body.choices[0]!.message.content)).toBe(body.usage.completion_tokens);
      expect(body.choices[0]!.finish_reason).toBe("length");
    }
  });
});
