// Input limits over the real server: a request beyond any limit is
// InvalidArgument naming the field, and never reaches the upstream.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RouteRequestSchema, StreamCompletionRequestSchema } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const LIMITS = `limits:
  max_messages: 4
  max_message_chars: 1000
  max_input_chars: 2500
  max_output_tokens: 500
  default_output_tokens: 123
  max_metadata_entries: 2
`;

const user = (content: string) => ({ role: Role.USER, content });

describe("input limits", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ extraYaml: LIMITS });
  });
  afterAll(async () => {
    await t.close();
  });

  const cases: { name: string; field: string; request: MessageInitShape<typeof RouteRequestSchema> }[] = [
    { name: "too many messages", field: "messages", request: { messages: [1, 2, 3, 4, 5].map((i) => user(`m${i}`)) } },
    { name: "a message too long", field: "messages[1].content", request: { messages: [user("short"), user("x".repeat(1001))] } },
    { name: "too much text in all", field: "messages", request: { messages: [user("x".repeat(900)), user("y".repeat(900)), user("z".repeat(900))] } },
    { name: "too many output tokens", field: "params.max_output_tokens", request: { messages: [user("hi")], params: { maxOutputTokens: 501 } } },
    { name: "too much metadata", field: "caller.metadata", request: { messages: [user("hi")], caller: { metadata: { a: "1", b: "2", c: "3" } } } },
    { name: "a metadata value too long", field: 'caller.metadata["team"]', request: { messages: [user("hi")], caller: { metadata: { team: "t".repeat(513) } } } },
    { name: "a tool call id too long", field: "messages[1].tool_call_id", request: { messages: [user("hi"), { role: Role.TOOL, content: "42", toolCallId: "c".repeat(257) }] } },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with InvalidArgument naming ${c.field}, without an upstream call`, async () => {
      const before = t.fake.requestCount();
      const calls = [
        () => t.grpc.route(c.request),
        () => t.connect.route(c.request),
        async () => {
          for await (const _ of t.grpc.streamCompletion(c.request as MessageInitShape<typeof StreamCompletionRequestSchema>)) void _;
        },
      ];
      for (const call of calls) {
        const err = ConnectError.from(await call().then(() => new Error("expected a failure"), (e: unknown) => e));
        expect(err.code).toBe(Code.InvalidArgument);
        expect(err.rawMessage.startsWith(`${c.field}:`)).toBe(true);
      }
      expect(t.fake.requestCount()).toBe(before);
    });
  }

  it("checks Classify's conversation too", async () => {
    const err = ConnectError.from(await t.grpc.classify({ messages: [user("x".repeat(1001))] }).catch((e: unknown) => e));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^messages\[0\]\.content: 1001 characters, at most 1000 \(limits\.max_message_chars\)/);
  });

  it("sends the default max output tokens upstream when the request sets none, and a request's own value as is", async () => {
    t.fake.reset();
    await t.grpc.route({ messages: [user("hi")], tierOverride: Tier.NANO });
    await t.grpc.route({ messages: [user("hi")], tierOverride: Tier.NANO, params: { maxOutputTokens: 500 } });
    expect(t.fake.requests.map((r) => r.maxTokens)).toEqual([123, 500]);
  });

  it("accepts a request exactly at every limit", async () => {
    const request: MessageInitShape<typeof RouteRequestSchema> = {
      messages: [user("x".repeat(1000)), user("y".repeat(1000)), user("z".repeat(499)), user("w")],
      params: { maxOutputTokens: 500 },
      caller: { metadata: { a: "1", b: "t".repeat(512) } },
    };
    const res = await t.grpc.route(request);
    expect(res.content).not.toBe("");
  });
});
