// Deeply nested JSON is refused while it streams in, before anything parses
// it: InvalidArgument over Connect JSON and over gRPC with JSON, and a flat
// request of any shape still works. The scanner alone: strings, escapes and
// envelope headers do not count as nesting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { createDepthScanner, MAX_JSON_DEPTH } from "../../src/server/json-depth.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("JSON depth scanner", () => {
  it("counts nesting across pieces and ignores brackets inside strings", () => {
    const scan = createDepthScanner(3);
    expect(scan(bytes('{"a":[{"b":'))).toBe(true);
    expect(scan(bytes('"[[[[[[\\"{{{{"}]}'))).toBe(true);
    expect(scan(bytes("[[[["))).toBe(false);
    const deep = createDepthScanner(MAX_JSON_DEPTH);
    expect(deep(bytes("[".repeat(MAX_JSON_DEPTH)))).toBe(true);
    expect(deep(bytes("["))).toBe(false);
  });
});

describe("deeply nested request bodies", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    tierd = await startTierd({ configText: baseConfigYaml(fake.url), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(200);
    await fake?.close();
  });

  const classify = (body: string | Uint8Array, type = "application/json") =>
    fetch(`${tierd.url}/tierd.v1.RouterService/Classify`, { method: "POST", headers: { "content-type": type }, body });

  it("refuses 1.9M levels of nesting as InvalidArgument (Connect JSON)", async () => {
    const n = 1_900_000;
    const res = await classify("[".repeat(n) + "]".repeat(n));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: "invalid_argument", message: `request JSON nests deeper than ${MAX_JSON_DEPTH} levels` });
  });

  it("refuses it inside a streaming envelope too (StreamCompletion, connect+json)", async () => {
    const json = bytes(`{"messages":${"[".repeat(1000)}${"]".repeat(1000)}}`);
    const envelope = new Uint8Array(5 + json.length);
    new DataView(envelope.buffer).setUint32(1, json.length);
    envelope.set(json, 5);
    const res = await fetch(`${tierd.url}/tierd.v1.RouterService/StreamCompletion`, { method: "POST", headers: { "content-type": "application/connect+json" }, body: envelope });
    const text = await res.text();
    expect(text).toContain("invalid_argument");
    expect(text).toContain("nests deeper");
  });

  it("still answers a well-formed request whose text is full of brackets", async () => {
    const res = await classify(JSON.stringify({ messages: [{ role: "ROLE_USER", content: "[".repeat(10_000) + " is this JSON? {{{" }] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty("decision");
  });
});
