// tierd from a plain @grpc/grpc-js client with the proto loaded at run time by
// @grpc/proto-loader, the way many existing Node services call gRPC: no
// generated code, no Connect.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

// proto-loader's view of a message: plain objects, enums as names, int64 as
// strings (longs: String), oneof case in its own field (oneofs: true).
type Json = Record<string, any>;
interface RouterServiceClient extends grpc.Client {
  Classify(req: Json, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Json) => void): grpc.ClientUnaryCall;
  Route(req: Json, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Json) => void): grpc.ClientUnaryCall;
  StreamCompletion(req: Json, meta: grpc.Metadata, opts: grpc.CallOptions): grpc.ClientReadableStream<Json>;
}

const definition = protoLoader.loadSync("tierd/v1/router.proto", {
  includeDirs: ["proto"],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  tierd: { v1: { RouterService: new (address: string, creds: grpc.ChannelCredentials) => RouterServiceClient } };
};

const question = [{ role: "ROLE_USER", content: "Is 7 a prime number?" }];
const seconds = (s: number) => new Date(Date.now() + s * 1000);

function unary(client: RouterServiceClient, method: "Classify" | "Route", req: Json, deadline: Date): Promise<Json> {
  return new Promise((resolve, reject) => {
    client[method](req, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res!)));
  });
}

async function collect(stream: grpc.ClientReadableStream<Json>): Promise<Json[]> {
  const out: Json[] = [];
  for await (const msg of stream) out.push(msg as Json);
  return out;
}

describe("a plain @grpc/grpc-js client", () => {
  let t: TestTierd;
  let client: RouterServiceClient;
  beforeAll(async () => {
    t = await startTestTierd();
    client = new pkg.tierd.v1.RouterService(new URL(t.tierd.url).host, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  it("classifies", async () => {
    const res = await unary(client, "Classify", { messages: question, request_id: "grpc-js-1" }, seconds(10));
    expect(res.request_id).toBe("grpc-js-1");
    expect(["TIER_NANO", "TIER_MID", "TIER_FRONTIER"]).toContain(res.decision.tier);
    expect(res.decision.trace.filter((s: Json) => s.decisive)).toHaveLength(1);
  });

  it("routes (unary) and reads int64 and optional fields", async () => {
    const res = await unary(
      client,
      "Route",
      { messages: question, tier_override: "TIER_NANO", params: { max_output_tokens: 200, temperature: 0.2 } },
      seconds(10),
    );
    expect(res.content).toContain("Simulated answer from openai/gpt-4o-mini");
    expect(res.tier).toBe("TIER_NANO");
    expect(res.attempts.map((a: Json) => a.outcome)).toEqual(["ATTEMPT_OUTCOME_SUCCESS"]);
    expect(typeof res.cost_pico_usd).toBe("string");
    expect(BigInt(res.cost_pico_usd)).toBeGreaterThan(0n);
    const upstream = t.fake.requests.at(-1)!;
    expect(upstream.maxTokens).toBe(200);
    expect(upstream.temperature).toBe(0.2);
  });

  it("streams a decision, deltas and a summary", async () => {
    const messages = await collect(client.StreamCompletion({ messages: question, tier_override: "TIER_NANO" }, new grpc.Metadata(), { deadline: seconds(10) }));
    expect(messages[0]!.event).toBe("decision");
    expect(messages.at(-1)!.event).toBe("summary");
    const deltas = messages.filter((m) => m.event === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((m) => m.delta.content).join("")).toContain('stand-in reply about "Is 7 a prime number?"');
    expect(messages.at(-1)!.summary.finish_reason).toBe("FINISH_REASON_STOP");
  });

  it("gets DEADLINE_EXCEEDED when a unary deadline passes", async () => {
    const slow = [{ role: "ROLE_USER", content: 'slow [[fake:{"delayHeadersMs":5000}]]' }];
    const started = Date.now();
    const err = await unary(client, "Route", { messages: slow }, new Date(Date.now() + 400)).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Loose bound: the fake would answer after 5 s.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("gets DEADLINE_EXCEEDED when a stream's deadline passes before the first token", async () => {
    const slow = [{ role: "ROLE_USER", content: 'slow [[fake:{"delayFirstTokenMs":5000}]]' }];
    const started = Date.now();
    const err = await collect(client.StreamCompletion({ messages: slow }, new grpc.Metadata(), { deadline: new Date(Date.now() + 400) })).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("gets INVALID_ARGUMENT naming the field for a request without messages", async () => {
    const err = await unary(client, "Route", { messages: [] }, seconds(10)).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toContain("messages");
  });
});
