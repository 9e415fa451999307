// The ledger end to end: a real tierd on port 0, real clients, the fake
// upstream, and the ledger on SQLite and on PostgreSQL.
import { createHash } from "node:crypto";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { Role, StreamFailureSchema, Tier } from "../../gen/tierd/v1/router_pb.js";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { LEDGER_BACKENDS } from "./backends.js";


const ask = (content: string) => [{ role: Role.USER, content }];

for (const backend of LEDGER_BACKENDS) {
  describe(`usage ledger on ${backend.name}`, () => {
    let t: TestTierd;
    let admin: Client<typeof AdminService>;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const db = backend.setup();
      drop = db.drop;
      const yaml = baseConfigYaml("{{FAKE}}").replace(
        'database_url: "sqlite::memory:"',
        `database_url: "${db.url}"\n  batch_size: 50\n  flush_interval_ms: 200\n  store_prompts: true`,
      );
      // A chunk delay lets a cut stream deliver its first chunks before the
      // socket dies. No retries and no cooldown: each scripted failure is
      // exactly one hop, and earlier tests' failures do not open breakers.
      const quiet = "retry:\n  max_retries: 0\ncooldown:\n  failure_threshold: 100000\n";
      // 1,000 requests at once on a loaded 2-core machine: a first token can
      // take longer than the 15 s default, and this test is about the
      // ledger, not about timeouts.
      const patient = (text: string) => text.replaceAll(/(api_key: test-key-\w+)/g, "$1\n    ttft_timeout_ms: 120000");
      t = await startTestTierd({ yaml: patient(yaml) + quiet, fake: { chunkDelayMs: 2 } });
      admin = createClient(AdminService, createGrpcTransport({ baseUrl: t.tierd.url }));
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    it("leaves exactly one record per request for 1,000 concurrent requests, and the report total is their exact cost sum", { timeout: 120_000 }, async () => {
      const started = Date.now();
      const endpoint = `/load-${backend.name}`;
      const ids = Array.from({ length: 1000 }, (_, i) => `load-${i}`);
      const costs: bigint[] = [];
      const outcomes = { ok: 0, failed: 0, brokenStreams: 0, classify: 0 };
      await Promise.all(
        ids.map(async (requestId, i) => {
          const kind = i % 20;
          if (kind === 0) {
            await t.grpc.classify({ messages: ask(`classify ${i}`), endpoint, requestId });
            outcomes.classify++;
          } else if (kind === 1 || kind === 2) {
            // Every deployment of the chain answers 503: the request fails, its attempts are recorded.
            const err = await t.grpc.route({ messages: ask(`fail ${i} [[fake:{"status":503}]]`), endpoint, requestId, tierOverride: Tier.NANO }).catch((e: unknown) => e);
            expect(ConnectError.from(err).code).toBe(Code.Unavailable);
            outcomes.failed++;
          } else if (kind === 3) {
            // The stream breaks after content was sent: the partial usage is billed and recorded.
            const err = await (async () => {
              for await (const _ of t.grpc.streamCompletion({ messages: ask(`break ${i} one two three four five six seven [[fake:{"cutAfterChunks":2}]]`), endpoint, requestId, tierOverride: Tier.NANO }));
            })().catch((e: unknown) => e);
            const detail = ConnectError.from(err).findDetails(StreamFailureSchema)[0];
            expect(detail?.costPicoUsd).toBeGreaterThan(0n);
            costs.push(detail!.costPicoUsd);
            outcomes.brokenStreams++;
          } else if (kind < 8) {
            for await (const msg of t.grpc.streamCompletion({ messages: ask(`stream ${i}`), endpoint, requestId })) {
              if (msg.event.case === "summary") costs.push(msg.event.value.costPicoUsd);
            }
            outcomes.ok++;
          } else {
            const res = await t.grpc.route({ messages: ask(`route ${i}`), endpoint, requestId, tierOverride: i % 3 === 0 ? Tier.FRONTIER : Tier.NANO });
            costs.push(res.costPicoUsd);
            outcomes.ok++;
          }
        }),
      );
      expect(outcomes).toEqual({ ok: 800, failed: 100, brokenStreams: 50, classify: 50 });

      const usage = t.tierd.usage!;
      await usage.ledger.flush();
      const window = { sinceMs: started - 1, untilMs: Date.now() + 1, endpoint };
      expect(await usage.store.countRecords(window)).toBe(1000);
      const records = await usage.store.listRecords(window, 2000);
      expect(new Set(records.map((r) => r.requestId))).toEqual(new Set(ids));
      expect(usage.ledger.stats().dropped).toBe(0);

      const failed = records.find((r) => r.requestId === "load-1")!;
      expect(failed).toMatchObject({ status: "unavailable", servedTier: null, tier: "nano", costPicoUsd: 0n });
      expect(failed.attempts.map((a) => [a.tier, a.outcome, a.errorClass, a.httpStatus])).toEqual([
        ["nano", "failure", "server_error", 503],
        ["mid", "failure", "server_error", 503],
        ["frontier", "failure", "server_error", 503],
      ]);
      const broken = records.find((r) => r.requestId === "load-3")!;
      expect(broken).toMatchObject({ kind: "stream", status: "unavailable", servedTier: null });
      expect(broken.costPicoUsd).toBeGreaterThan(0n);
      expect(broken.outputTokens).toBeGreaterThan(0);
      expect(broken.timeToFirstTokenMs).toBeGreaterThan(0);
      const classify = records.find((r) => r.requestId === "load-0")!;
      expect(classify).toMatchObject({ kind: "classify", status: "ok", costPicoUsd: 0n, servedTier: null, promptText: "classify 0" });

      const expected = costs.reduce((a, b) => a + b, 0n);
      expect(records.reduce((a, r) => a + r.costPicoUsd, 0n)).toBe(expected);
      const { report } = await admin.getUsageReport({ endpoint, lookback: { seconds: 3600n } });
      expect(report?.totals?.costPicoUsd).toBe(expected);
      expect(report?.totals?.requests).toBe(950n);
      expect(report?.totals?.classifyRequests).toBe(50n);
      expect(report?.totals?.errors).toBe(150n);
      expect(report?.tiers.reduce((a, tier) => a + tier.costPicoUsd, 0n)).toBe(expected);
      expect(report?.savings?.actualPicoUsd).toBe(expected);
      expect(report?.droppedRecords).toBe(0n);
    });

    it("records a stream the caller cancelled mid-way as canceled, with its time to first token", async () => {
      const requestId = `cancel-${backend.name}`;
      const abort = new AbortController();
      const long = JSON.stringify({ content: "word ".repeat(400) });
      const err = await (async () => {
        for await (const msg of t.grpc.streamCompletion({ messages: ask(`long story [[fake:${long}]]`), requestId, tierOverride: Tier.NANO }, { signal: abort.signal })) {
          if (msg.event.case === "delta") abort.abort();
        }
      })().catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.Canceled);
      await expect
        .poll(async () => {
          await t.tierd.usage!.ledger.flush();
          return (await t.tierd.usage!.store.recordsOf(requestId)).length;
        })
        .toBe(1);
      const [record] = await t.tierd.usage!.store.recordsOf(requestId);
      expect(record).toMatchObject({ kind: "stream", status: "canceled", tier: "nano", servedTier: null });
      expect(record!.timeToFirstTokenMs).toBeGreaterThan(0);
      expect(record!.attempts.at(-1)).toMatchObject({ deployment: "nano-1", outcome: "failure", errorClass: "canceled" });
      expect(record!.outputTokens).toBeGreaterThan(0);
      expect(record!.costPicoUsd).toBeGreaterThan(0n);
    });

    it("records a request whose deadline passed as deadline_exceeded", async () => {
      const requestId = `deadline-${backend.name}`;
      const err = await t.grpc.route({ messages: ask('slow [[fake:{"delayHeadersMs":3000}]]'), requestId, tierOverride: Tier.NANO }, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.DeadlineExceeded);
      await expect
        .poll(async () => {
          await t.tierd.usage!.ledger.flush();
          return (await t.tierd.usage!.store.recordsOf(requestId))[0]?.status;
        })
        .toBe("deadline_exceeded");
    });

    it("records the routed answer's facts: tiers, tokens, counterfactual costs and a hashed prompt", async () => {
      const res = await t.grpc.route({ messages: ask("What is 2+2? [[fake:{\"cachedTokens\":4}]]"), requestId: `facts-${backend.name}`, tierOverride: Tier.NANO, endpoint: "/facts", caller: { id: "svc-a", plan: "pro", metadata: { team: "t1" } } });
      await t.tierd.usage!.ledger.flush();
      const [record] = await t.tierd.usage!.store.recordsOf(`facts-${backend.name}`);
      expect(record).toMatchObject({
        kind: "route",
        endpoint: "/facts",
        callerId: "svc-a",
        callerPlan: "pro",
        callerMetadata: { team: "t1" },
        mode: "enforce",
        tier: "nano",
        decidedBy: "override",
        servedTier: "nano",
        deployment: "nano-1",
        model: "openai/gpt-4o-mini",
        finishReason: "stop",
        inputTokens: res.usage!.inputTokens,
        outputTokens: res.usage!.outputTokens,
        cachedInputTokens: 4,
        costPicoUsd: res.costPicoUsd,
        status: "ok",
        cacheHit: false,
      });
      // gpt-4o-mini, sonnet 4.6 and opus 4.7 list prices (src/pricing/prices.ts), pico-USD per token.
      const u = res.usage!;
      const fresh = BigInt(u.inputTokens - 4);
      expect(record!.costIfNanoPicoUsd).toBe(res.costPicoUsd);
      expect(record!.costIfMidPicoUsd).toBe(fresh * 3_000_000n + 4n * 300_000n + BigInt(u.outputTokens) * 15_000_000n);
      expect(record!.costIfFrontierPicoUsd).toBe(fresh * 5_000_000n + 4n * 500_000n + BigInt(u.outputTokens) * 25_000_000n);
      expect(record!.promptSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(record!.latencyMs).toBeGreaterThan(0);
    });
  });
}

describe("usage ledger with prompts off", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("stores the prompt's hash but never its text", async () => {
    await t.grpc.route({ messages: ask("a secret plan for the merger"), requestId: "no-prompt", tierOverride: Tier.NANO });
    await t.tierd.usage!.ledger.flush();
    const [record] = await t.tierd.usage!.store.recordsOf("no-prompt");
    expect(record?.promptText).toBeNull();
    expect(record?.promptSha256).toBe(createHash("sha256").update("a secret plan for the merger").digest("hex"));
    expect(JSON.stringify(record, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain("merger");
  });
});
