// Image parts on the fake upstream: accepted as OpenAI accepts them, priced
// in prompt tokens by OpenAI's rule of thumb, refused with OpenAI's 400 body
// when malformed or sent to a model configured without vision.
import OpenAI from "openai";
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("fake upstream: image parts", () => {
  let fake: FakeUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: { "test/text-only": { vision: false } } });
    client = new OpenAI({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const parts: ChatCompletionContentPart[] = [
    { type: "text", text: "What is in these pictures? " },
    { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
    { type: "text", text: "Be brief." },
    { type: "image_url", image_url: { url: PNG, detail: "low" } },
  ];

  /** Raw HTTP, to read the error body exactly as it is on the wire. */
  const post = async (model: string, content: unknown, messages: unknown[] = [{ role: "user", content }]) => {
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it("accepts text and image parts, says how many images it saw, and bills 765 tokens per image (85 at low detail)", async () => {
    const withImages = await client.chat.completions.create({ model: "test/mid-1", messages: [{ role: "user", content: parts }] });
    expect(withImages.choices[0]!.message.content).toContain("It saw 2 images.");
    const textOnly = await client.chat.completions.create({
      model: "test/mid-1",
      messages: [{ role: "user", content: "What is in these pictures? Be brief." }],
    });
    expect(withImages.usage!.prompt_tokens - textOnly.usage!.prompt_tokens).toBe(765 + 85);
  });

  it("records the joined text as content and the parts as sent", async () => {
    await client.chat.completions.create({ model: "test/mid-1", messages: [{ role: "user", content: parts }] });
    const [message] = fake.requests[0]!.messages;
    expect(message).toEqual({ role: "user", content: "What is in these pictures? Be brief.", parts });
  });

  it("reads directives from text parts", async () => {
    const status = await client.chat.completions
      .create({ model: "test/mid-1", messages: [{ role: "user", content: [...parts, { type: "text", text: '[[fake:{"status":503}]]' }] }] })
      .then(
        () => 200,
        (err: unknown) => (err instanceof OpenAI.APIError ? err.status : undefined),
      );
    expect(status).toBe(503);
  });

  it.each([
    {
      name: "an unknown part type",
      part: { type: "image", url: "https://example.com/a.png" },
      error: { message: "Invalid value: 'image'. Supported values are: 'text' and 'image_url'.", param: "messages[0].content[1].type", code: "invalid_value" },
    },
    {
      name: "an image part without a url",
      part: { type: "image_url", image_url: { detail: "low" } },
      error: { message: "Missing required parameter: 'messages[0].content[1].image_url.url'.", param: "messages[0].content[1].image_url.url", code: "missing_required_parameter" },
    },
    {
      name: "an image_url given as a string",
      part: { type: "image_url", image_url: "https://example.com/a.png" },
      error: {
        message: "Invalid type for 'messages[0].content[1].image_url': expected an object, but got a string instead.",
        param: "messages[0].content[1].image_url",
        code: "invalid_type",
      },
    },
    {
      name: "an image url that is neither a web address nor image data",
      part: { type: "image_url", image_url: { url: "file:///etc/passwd" } },
      error: { param: "messages[0].content[1].image_url.url", code: "invalid_value" },
    },
    {
      name: "an unknown detail",
      part: { type: "image_url", image_url: { url: PNG, detail: "ultra" } },
      error: { message: "Invalid value: 'ultra'. Supported values are: 'auto', 'low', and 'high'.", param: "messages[0].content[1].image_url.detail", code: "invalid_value" },
    },
  ])("refuses $name with an OpenAI-style 400 body", async ({ part, error }) => {
    const { status, body } = await post("test/mid-1", [{ type: "text", text: "look" }, part]);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", ...error } });
  });

  it("refuses images in a system message, which takes text parts only", async () => {
    const { status, body } = await post("test/mid-1", undefined, [
      { role: "system", content: [{ type: "image_url", image_url: { url: PNG } }] },
      { role: "user", content: "hi" },
    ]);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { message: "Invalid value: 'image_url'. Supported values are: 'text'.", param: "messages[0].content[0].type" } });
  });

  it("refuses images for a model without vision, as OpenAI does, after the call reached it", async () => {
    const { status, body } = await post("test/text-only", parts);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message: "Invalid content type. image_url is only supported by certain models.",
        type: "invalid_request_error",
        param: "messages.[0].content.[1].type",
        code: null,
      },
    });
    expect(fake.requests.map((r) => r.model)).toEqual(["test/text-only"]);
    // Text still works there, and other models still see images.
    expect((await post("test/text-only", [{ type: "text", text: "hi" }])).status).toBe(200);
    expect((await post("test/mid-1", parts)).status).toBe(200);
  });
});
