import http2 from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

describe("malformed requests", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t.close();
  });

  const user = { role: Role.USER, content: "hello" };
  const cases: { name: string; field: string; request: Parameters<TestTierd["grpc"]["route"]>[0] }[] = [
    { name: "no messages", field: "messages", request: { messages: [] } },
    { name: "unspecified role", field: "messages[0].role", request: { messages: [{ role: Role.UNSPECIFIED, content: "x" }] } },
    { name: "unknown role number", field: "messages[1].role", request: { messages: [user, { role: 9 as Role, content: "x" }] } },
    { name: "empty user content", field: "messages[0].content", request: { messages: [{ role: Role.USER, content: "" }] } },
    { name: "tool message without call id", field: "messages[1].tool_call_id", request: { messages: [user, { role: Role.TOOL, content: "42" }] } },
    { name: "unknown tier override", field: "tier_override", request: { messages: [user], tierOverride: 7 as Tier } },
    { name: "negative max tokens", field: "params.max_output_tokens", request: { messages: [user], params: { maxOutputTokens: -5 } } },
    { name: "zero max tokens", field: "params.max_output_tokens", request: { messages: [user], params: { maxOutputTokens: 0 } } },
    { name: "temperature out of range", field: "params.temperature", request: { messages: [user], params: { temperature: 3 } } },
    { name: "too many stop sequences", field: "params.stop", request: { messages: [user], params: { stop: ["a", "b", "c", "d", "e"] } } },
    { name: "request id with spaces", field: "request_id", request: { messages: [user], requestId: "has spaces" } },
    { name: "endpoint with a NUL", field: "endpoint", request: { messages: [user], endpoint: "/api/x\u0000" } },
    { name: "endpoint with a newline", field: "endpoint", request: { messages: [user], endpoint: "/api/x\nforged log line" } },
    { name: "caller id with a control character", field: "caller.id", request: { messages: [user], caller: { id: "svc\u0007" } } },
    { name: "caller plan too long", field: "caller.plan", request: { messages: [user], caller: { plan: "p".repeat(129) } } },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with InvalidArgument naming ${c.field}`, async () => {
      const before = t.fake.requestCount();
      for (const call of [() => t.grpc.route(c.request), () => t.connect.route(c.request)]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConnectError);
        expect((err as ConnectError).code).toBe(Code.InvalidArgument);
        expect((err as ConnectError).rawMessage.startsWith(`${c.field}:`)).toBe(true);
      }
      const stream = async () => {
        for await (const _ of t.grpc.streamCompletion(c.request as Parameters<TestTierd["grpc"]["streamCompletion"]>[0])) void _;
      };
      const streamErr = await stream().catch((e: unknown) => e);
      expect((streamErr as ConnectError).code).toBe(Code.InvalidArgument);
      expect(t.fake.requestCount()).toBe(before);
    });
  }

  it("rejects Classify without messages", async () => {
    const err = await t.grpc.classify({ messages: [] }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toContain("messages");
  });

  it("rejects an unknown enum name in JSON with InvalidArgument naming the enum and value", async () => {
    const res = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Classify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }], tierOverride: "TIER_GIGANTIC" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe("invalid_argument");
    // protobuf-es names the enum type, not the field, when JSON decoding fails.
    expect(body.message).toMatch(/tierd\.v1\.Tier.*TIER_GIGANTIC/);
  });

  it("rejects an unknown JSON field instead of ignoring it", async () => {
    const res = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Classify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }], tierOveride: "TIER_NANO" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("tierOveride");
  });

  it("answers an unknown gRPC method with Unimplemented and keeps serving", async () => {
    const session = http2.connect(t.tierd.url);
    try {
      const status = await new Promise<string | undefined>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/tierd.v1.RouterService/NoSuchMethod",
          "content-type": "application/grpc",
          te: "trailers",
        });
        let grpcStatus: string | undefined;
        stream.on("response", (headers) => (grpcStatus = headers["grpc-status"] as string | undefined));
        stream.on("trailers", (trailers) => (grpcStatus ??= trailers["grpc-status"] as string | undefined));
        stream.on("close", () => resolve(grpcStatus));
        stream.on("error", reject);
        stream.resume();
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
      expect(status).toBe(String(Code.Unimplemented));
    } finally {
      session.close();
    }
    const ok = await t.grpc.classify({ messages: [user] });
    expect(ok.decision).toBeDefined();
  });
});
