// The SDK's fetch on undici's Dispatcher API: what the openai SDK reads from
// a Response (status, headers, a whole JSON body, an SSE body as it arrives)
// must be what fetch would give, against a real HTTP server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import OpenAI from "openai";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcherFetch, eventStreamBody } from "../../src/provider/dispatcher-fetch.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end();
const agent = new Agent();
const fetch = createDispatcherFetch(agent);

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await agent.close();
});

describe("createDispatcherFetch", () => {
  it("sends method, headers and body, and returns status, headers and the whole JSON body", async () => {
    let seen: { method?: string; auth?: string; type?: string; body?: string } = {};
    handler = (req, res, body) => {
      seen = { method: req.method!, auth: req.headers.authorization!, type: req.headers["content-type"]!, body };
      res.writeHead(201, { "content-type": "application/json", "x-request-id": "abc" });
      res.end(JSON.stringify({ ok: true }));
    };
    const res = await fetch(`${base}/v1/chat`, {
      method: "POST",
      headers: new Headers({ Authorization: "Bearer k", "Content-Type": "application/json" }),
      body: JSON.stringify({ q: 1 }),
    });
    expect(seen).toEqual({ method: "POST", auth: "Bearer k", type: "application/json", body: '{"q":1}' });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get("x-request-id")).toBe("abc");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("hands an event stream over as it arrives, not after it ends", async () => {
    let finish: () => void = () => undefined;
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      finish = () => res.end("data: two\n\n");
    };
    const res = await fetch(`${base}/stream`, { method: "POST", body: "{}" });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    finish();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("exposes an event stream's Node stream for a direct reader, and reads nothing into the web body until asked", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end("data: one\n\ndata: two\n\n");
    };
    const res = await fetch(`${base}/direct`, { method: "POST", body: "{}" });
    const raw = eventStreamBody(res);
    expect(raw).toBeDefined();
    let text = "";
    for await (const piece of raw!) text += String(piece);
    expect(text).toBe("data: one\n\ndata: two\n\n");
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    };
    expect(eventStreamBody(await fetch(`${base}/json`))).toBeUndefined();
  });

  it("decodes a gzip body as fetch does", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ zipped: "yes" })));
    };
    expect(await (await fetch(`${base}/gz`)).json()).toEqual({ zipped: "yes" });
  });

  it("rejects with the signal's reason when aborted before the answer", async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = fetch(`${base}/hang`, { method: "POST", body: "{}", signal: controller.signal });
    const reason = new Error("attempt timed out");
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });

  it("errors the body of a stream whose connection drops", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      setTimeout(() => res.destroy(), 20);
    };
    const res = await fetch(`${base}/cut`, { method: "POST", body: "{}" });
    const reader = res.body!.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow(/closed|terminated|aborted/i);
  });

  it("is what the openai SDK calls: a completion and a stream from the fake upstream", async () => {
    const fake: FakeUpstream = await startFakeUpstream({ record: true });
    try {
      const client = new OpenAI({ baseURL: fake.url, apiKey: "test-key", maxRetries: 0, fetch: fetch as unknown as typeof globalThis.fetch });
      const completion = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hello there" }] });
      expect(completion.choices[0]?.message.content).toContain("Simulated answer from m");
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
      const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hello there" }], stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe(completion.choices[0]?.message.content);
      expect(fake.requests.map((r) => r.authorization)).toEqual(["Bearer test-key", "Bearer test-key"]);
    } finally {
      await fake.close();
    }
  });
});
