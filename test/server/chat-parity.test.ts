// Tool calling, images and structured outputs through the real server and
// the fake upstream, over gRPC: the contract of issue "carry all real chat
// traffic" as a caller of the RPCs meets it.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { ImageDetail, ResponseFormat, Role, Tier, ToolChoiceMode, FinishReason, AttemptOutcome, ErrorClass } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

let t: TestTierd | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** nano-plain can do nothing but text; nano-full and the others can do everything. */
function yaml(extra = "", fullCaps = "[json, json_schema, tools, vision]"): string {
  return `
server: { shutdown_grace_ms: 2000 }
log: { level: silent }
deployments:
  nano-plain: { model: test/nano-plain, base_url: "{{FAKE}}", api_key: k, capabilities: [] }
  nano-full: { model: test/nano-full, base_url: "{{FAKE}}", api_key: k, capabilities: ${fullCaps} }
  mid-1: { model: test/mid-1, base_url: "{{FAKE}}", api_key: k, capabilities: ${fullCaps} }
  frontier-1: { model: test/frontier-1, base_url: "{{FAKE}}", api_key: k, capabilities: ${fullCaps} }
tiers:
  nano: { deployments: [nano-plain, nano-full], strategy: ordered }
  mid: { deployments: [mid-1] }
  frontier: { deployments: [frontier-1] }
pricing:
  test/nano-plain: { input: 0.1, output: 0.4 }
  test/nano-full: { input: 0.15, output: 0.6 }
  test/mid-1: { input: 3, output: 15 }
  test/frontier-1: { input: 15, output: 75 }
usage: { database_url: "sqlite::memory:" }
auth: { enabled: false }
${extra}`;
}

const weather = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, required: ["city", "unit"] },
};

const user = (content: string) => ({ role: Role.USER, content });

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("tool calling over the RPCs", () => {
  it("round trip: tools in, a tool call out, the tool result back, a final answer", async () => {
    t = await startTestTierd({ yaml: yaml() });
    const first = await t.grpc.route({ messages: [user("What is the weather in Lisbon?")], tierOverride: Tier.NANO, params: { tools: [weather] } });
    expect(first.finishReason).toBe(FinishReason.TOOL_CALLS);
    expect(first.toolCalls).toHaveLength(1);
    const call = first.toolCalls[0]!;
    expect(call.name).toBe("get_weather");
    expect(call.id).not.toBe("");
    expect(Object.keys(JSON.parse(call.arguments) as object).sort()).toEqual(["city", "unit"]);
    // The text-only deployment was never called: skipped for the tools.
    expect(first.attempts.map((a) => [a.deployment, a.outcome])).toEqual([
      ["nano-plain", AttemptOutcome.SKIPPED],
      ["nano-full", AttemptOutcome.SUCCESS],
    ]);
    expect(first.attempts[0]!.errorClass).toBe(ErrorClass.UNSUITABLE);
    expect(first.attempts[0]!.detail).toMatch(/tools/);
    const sent = t.fake.requests[0]!;
    expect(sent.model).toBe("test/nano-full");
    expect(sent.tools).toEqual([{ type: "function", function: weather }]);

    const second = await t.grpc.route({
      messages: [
        user("What is the weather in Lisbon?"),
        { role: Role.ASSISTANT, toolCalls: [call] },
        { role: Role.TOOL, toolCallId: call.id, content: '{"temp_c":21}' },
      ],
      tierOverride: Tier.NANO,
      params: { tools: [weather] },
    });
    expect(second.finishReason).toBe(FinishReason.STOP);
    expect(second.toolCalls).toEqual([]);
    expect(second.content).toContain('{"temp_c":21}');
    // The assistant turn went upstream with its calls, the tool turn with the call's id.
    const history = t.fake.requests[1]!.messages;
    expect(history.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(history[1]!.toolCalls).toEqual([{ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }]);
    expect(history[2]!.toolCallId).toBe(call.id);
  });

  it("streams tool-call pieces that reassemble byte-exact to the upstream's arguments, and sums them up in the summary", async () => {
    t = await startTestTierd({ yaml: yaml(), fake: { toolArgumentChunkChars: 3 } });
    const req = { messages: [user("Weather in Porto and in Faro? [[fake:{\"toolCalls\":2}]]")], tierOverride: Tier.MID, params: { tools: [weather, { ...weather, name: "get_forecast" }] } };
    const unary = await t.grpc.route(req);
    expect(unary.toolCalls.map((c) => c.name)).toEqual(["get_weather", "get_forecast"]);

    const args = new Map<number, string>();
    const ids = new Map<number, string>();
    let summaryCalls: { id: string; name: string; arguments: string }[] = [];
    let pieces = 0;
    for await (const m of t.grpc.streamCompletion(req)) {
      if (m.event.case === "toolCallDelta") {
        const d = m.event.value;
        pieces++;
        if (d.id !== "") {
          expect(ids.has(d.index)).toBe(false);
          ids.set(d.index, d.id);
        }
        args.set(d.index, (args.get(d.index) ?? "") + d.arguments);
      }
      if (m.event.case === "summary") {
        expect(m.event.value.finishReason).toBe(FinishReason.TOOL_CALLS);
        summaryCalls = m.event.value.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
      }
    }
    expect(pieces).toBeGreaterThan(4);
    expect([...args.keys()]).toEqual([0, 1]);
    expect(args.get(0)).toBe(unary.toolCalls[0]!.arguments);
    expect(args.get(1)).toBe(unary.toolCalls[1]!.arguments);
    expect(summaryCalls.map((c) => c.arguments)).toEqual([args.get(0), args.get(1)]);
    expect(summaryCalls.map((c) => c.id)).toEqual([ids.get(0), ids.get(1)]);
  });

  it("passes tool_choice, parallel_tool_calls and the other parameters through", async () => {
    t = await startTestTierd({ yaml: yaml() });
    const res = await t.grpc.route({
      messages: [user("Use the forecast tool")],
      tierOverride: Tier.MID,
      params: { tools: [weather, { ...weather, name: "get_forecast" }], toolChoice: { choice: { case: "function", value: "get_forecast" } }, parallelToolCalls: false, topP: 0.5, seed: 7n, stop: ["END"], user: "end-user-1" },
    });
    // The upstream says "stop" after a forced call (as OpenAI does); tierd says TOOL_CALLS.
    expect(res.toolCalls.map((c) => c.name)).toEqual(["get_forecast"]);
    expect(res.finishReason).toBe(FinishReason.TOOL_CALLS);
    const sent = t.fake.requests[0]!;
    expect(sent.toolChoice).toEqual({ type: "function", function: { name: "get_forecast" } });
    expect(sent.parallelToolCalls).toBe(false);
    expect([sent.topP, sent.seed, sent.stop, sent.user]).toEqual([0.5, 7, ["END"], "end-user-1"]);
  });

  it("refuses a named tool_choice that is not among the tools, and REQUIRED without tools", async () => {
    t = await startTestTierd({ yaml: yaml() });
    const named = await failure(t.grpc.route({ messages: [user("x")], params: { tools: [weather], toolChoice: { choice: { case: "function", value: "nope" } } } }));
    expect(named.code).toBe(Code.InvalidArgument);
    expect(named.rawMessage).toMatch(/params.tool_choice.function/);
    const required = await failure(t.grpc.route({ messages: [user("x")], params: { toolChoice: { choice: { case: "mode", value: ToolChoiceMode.REQUIRED } } } }));
    expect(required.code).toBe(Code.InvalidArgument);
    expect(t.fake.requestCount()).toBe(0);
  });

  it("a rule on has_tools fires, for Route and Classify alike", async () => {
    t = await startTestTierd({ yaml: yaml("policy:\n  rules:\n    - { name: agents, when: { has_tools: true }, min_tier: mid }\n") });
    const plain = await t.grpc.classify({ messages: [user("Is 7 prime?")] });
    expect(plain.decision?.tier).toBe(Tier.NANO);
    const agent = await t.grpc.classify({ messages: [user("Is 7 prime?")], params: { tools: [weather] } });
    expect(agent.decision?.tier).toBe(Tier.MID);
    expect(agent.decision?.reason).toMatch(/agents/);
    const routed = await t.grpc.route({ messages: [user("Is 7 prime?")], params: { tools: [weather] } });
    expect(routed.tier).toBe(Tier.MID);
  });
});

describe("images", () => {
  const image = (url = "data:image/png;base64,iVBORw0KGgo=") => ({ role: Role.USER, parts: [{ part: { case: "text" as const, value: "What is in this picture?" } }, { part: { case: "image" as const, value: { url, detail: ImageDetail.LOW } } }] });

  it("skips a deployment without vision and is answered by one with it; the image goes upstream as an image part", async () => {
    t = await startTestTierd({ yaml: yaml() });
    const res = await t.grpc.route({ messages: [image()], tierOverride: Tier.NANO });
    expect(res.deployment).toBe("nano-full");
    expect(res.attempts[0]).toMatchObject({ deployment: "nano-plain", outcome: AttemptOutcome.SKIPPED, errorClass: ErrorClass.UNSUITABLE });
    expect(res.attempts[0]!.detail).toMatch(/vision/);
    expect(t.fake.requests[0]!.messages[0]!.parts).toEqual([
      { type: "text", text: "What is in this picture?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
    ]);
  });

  it("no vision deployment anywhere is FAILED_PRECONDITION naming vision, with no upstream call", async () => {
    t = await startTestTierd({ yaml: yaml("", "[json, json_schema, tools]") });
    const err = await failure(t.grpc.route({ messages: [image()] }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toMatch(/vision capability/);
    expect(t.fake.requestCount()).toBe(0);
  });

  it("refuses an image that is not a URL, and an image outside a user message", async () => {
    t = await startTestTierd({ yaml: yaml() });
    expect((await failure(t.grpc.route({ messages: [image("file:///etc/passwd")] }))).code).toBe(Code.InvalidArgument);
    const system = { role: Role.SYSTEM, parts: [{ part: { case: "image" as const, value: { url: "https://example.com/a.png" } } }] };
    const err = await failure(t.grpc.route({ messages: [system, user("hi")] }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/ROLE_USER messages only/);
  });
});

describe("structured outputs", () => {
  const schema = { type: "object", properties: { sentiment: { type: "string", enum: ["positive", "negative"] }, score: { type: "number" } }, required: ["sentiment", "score"], additionalProperties: false };

  it("sends a JSON schema only to json_schema deployments and returns JSON that follows it", async () => {
    t = await startTestTierd({ yaml: yaml() });
    const res = await t.grpc.route({
      messages: [user("Classify: I love it")],
      tierOverride: Tier.NANO,
      params: { responseFormat: ResponseFormat.JSON_SCHEMA, jsonSchema: { name: "verdict", schema, strict: true } },
    });
    expect(res.deployment).toBe("nano-full");
    const parsed = JSON.parse(res.content) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(["score", "sentiment"]);
    expect(t.fake.requests[0]!.responseFormatObject).toEqual({ type: "json_schema", json_schema: { name: "verdict", schema, strict: true } });
  });

  it("refuses a schema without RESPONSE_FORMAT_JSON_SCHEMA and the format without a schema", async () => {
    t = await startTestTierd({ yaml: yaml() });
    expect((await failure(t.grpc.route({ messages: [user("x")], params: { responseFormat: ResponseFormat.JSON_SCHEMA } }))).rawMessage).toMatch(/params.json_schema/);
    expect((await failure(t.grpc.route({ messages: [user("x")], params: { jsonSchema: { name: "v", schema } } }))).rawMessage).toMatch(/not RESPONSE_FORMAT_JSON_SCHEMA/);
  });
});
