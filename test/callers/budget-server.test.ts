// Budgets over the real server on both counter backends: a $0.01 budget
// under 200 concurrent requests is never overspent (on Redis, across two
// replicas), over-budget callers are downgraded or refused as configured, and
// fallback hops reserve again.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LimitExceededSchema, LimitKind, RetryInfoSchema } from "../../gen/tierd/v1/errors_pb.js";
import { AttemptOutcome, DecisionStage, ErrorClass, Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { windowOf } from "../../src/callers/index.js";
import { createLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "./keys.js";
import { counterBackends } from "./stores.js";

const LIMIT_PICO = 10_000_000_000n; // $0.01
const buyer = testKey("tierd_test_buyer_5e4d3c2b1a0f9e8d7c6b", "buyer", { budgets: ["tiny"] });
const saver = testKey("tierd_test_saver_0a1b2c3d4e5f6a7b8c9d", "saver", { budgets: ["small"], on_budget_exceeded: "downgrade" });
const prices = "pricing:\n  openai/gpt-4o-mini: { input: 0.15, output: 0.6 }\n";

for (const backend of counterBackends()) {
  describe(`budgets on ${backend.name} counters`, () => {
    let fake: FakeUpstream;
    const replicas: Tierd[] = [];
    const warnings: string[] = [];
    beforeAll(async () => {
      fake = await startFakeUpstream({ latencyMs: 20, record: false });
      const yaml = authConfigYaml(fake.url, [buyer, saver], {
        budgets: { tiny: { usd_per_day: 0.01 }, small: { usd_per_day: 0.002 } },
        counters: backend.config(),
        limits: { default_output_tokens: 64 },
      });
      const logger = createLogger({ level: "warn", write: (line) => warnings.push(line) });
      // Redis counters are shared: two replicas serve the same callers.
      for (let i = 0; i < (backend.name === "Redis" ? 2 : 1); i++) {
        replicas.push(await startTierd({ configText: yaml + prices, configSource: "t.yaml", env: {}, port: 0, logger }));
      }
    });
    afterAll(async () => {
      for (const r of replicas) await r.close(500);
      await fake?.close();
      await backend.drop();
    });

    it("never overspends $0.01 under 200 concurrent requests (unary and streams)", async () => {
      const clients = replicas.map((r) => clientsFor(RouterService, r.url, buyer.key).grpc);
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const client = clients[i % clients.length]!;
          const request = { messages: [{ role: Role.USER, content: `Explain request number ${i} in detail.` }], tierOverride: Tier.FRONTIER, requestId: `tiny-${backend.name}-${i}` };
          try {
            if (i % 2 === 0) return { cost: (await client.route(request)).costPicoUsd };
            let cost: bigint | undefined;
            for await (const msg of client.streamCompletion(request)) if (msg.event.case === "summary") cost = msg.event.value.costPicoUsd;
            return { cost: cost! };
          } catch (err) {
            return { error: ConnectError.from(err) };
          }
        }),
      );
      const served = outcomes.flatMap((o) => (o.cost === undefined ? [] : [o.cost]));
      const refused = outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error]));
      const spent = served.reduce((a, b) => a + b, 0n);
      expect(served.length).toBeGreaterThanOrEqual(2);
      expect(spent).toBeLessThanOrEqual(LIMIT_PICO);
      expect(served.length + refused.length).toBe(200);
      for (const err of refused) {
        expect(err.code).toBe(Code.ResourceExhausted);
        expect(err.rawMessage).toMatch(/^budget tiny of caller buyer \(day \d{4}-\d{2}-\d{2}\)/);
        expect(err.findDetails(LimitExceededSchema)[0]).toMatchObject({ kind: LimitKind.BUDGET_DAY, name: "tiny", limit: LIMIT_PICO });
        expect(Number(err.metadata.get("retry-after"))).toBeGreaterThan(0);
        expect(err.findDetails(RetryInfoSchema)).toHaveLength(1);
      }

      // The counters settled to exactly what was billed; the ledgers agree.
      const day = windowOf("day", Date.now());
      const scope = { key: `tiny:buyer:day:${day.id}`, limitPico: LIMIT_PICO, endsAtMs: day.endsAtMs };
      expect(await replicas[0]!.counters!.budgets.spent(scope)).toBe(spent);
      expect(await replicas[0]!.counters!.budgets.available([scope])).toEqual([LIMIT_PICO - spent]);
      let ledgerSum = 0n;
      for (const r of replicas) {
        await r.usage!.ledger.flush();
        const records = await r.usage!.store.listRecords({ sinceMs: 0, untilMs: Date.now() + 1 }, 1_000);
        ledgerSum += records.filter((rec) => rec.callerId === "buyer").reduce((a, rec) => a + rec.costPicoUsd, 0n);
      }
      expect(ledgerSum).toBe(spent);
      expect(warnings.filter((w) => w.includes("more than its reserved worst case"))).toEqual([]);
    }, 60_000);

    it("downgrades an over-budget caller to the dearest tier that fits, and says so in the decision", async () => {
      const { grpc } = clientsFor(RouterService, replicas[0]!.url, saver.key);
      // $0.002 covers frontier's worst case (~$0.00165: 64 output tokens at $25/M) once; after its
      // ~$0.0007 answer, what is left covers mid (~$0.001) but not frontier.
      const first = await grpc.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.FRONTIER });
      expect(first.tier).toBe(Tier.FRONTIER);
      const second = await grpc.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.FRONTIER });
      expect(second.tier).toBe(Tier.MID);
      expect(second.decision!.tier).toBe(Tier.MID);
      expect(second.decision!.decidedBy).toBe(DecisionStage.CALLER_LIMIT);
      expect(second.decision!.reason).toMatch(/^budget small \(day \d{4}-\d{2}-\d{2}\) cannot cover frontier: frontier lowered to mid/);
      expect(second.decision!.trace.filter((s) => s.decisive).map((s) => s.stage)).toEqual([DecisionStage.CALLER_LIMIT]);
    });
  });
}

describe("budget counters out of reach", () => {
  it("refuses to start when Redis cannot be reached, naming counters.redis_url", async () => {
    const yaml = authConfigYaml("http://127.0.0.1:9/v1", [buyer], { budgets: { tiny: { usd_per_day: 0.01 } }, counters: { store: "redis", redis_url: "redis://127.0.0.1:1" } });
    const err = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: createLogger({ level: "silent" }) }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/counters\.redis_url: cannot reach the counters store/);
  });
});

describe("budgets and abandoned streams", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const reader = testKey("tierd_test_reader_99aa88bb77cc66dd55ee", "reader", { budgets: ["reads"] });
  beforeAll(async () => {
    fake = await startFakeUpstream({ chunkDelayMs: 20, wordsPerChunk: 1 });
    const yaml = authConfigYaml(fake.url, [reader], { budgets: { reads: { usd_per_day: 1 } } });
    tierd = await startTierd({ configText: yaml + prices, configSource: "t.yaml", env: {}, port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("keeps what a stream delivered before the caller left, and frees the rest of its reservation", async () => {
    const { grpc } = clientsFor(RouterService, tierd.url, reader.key);
    let deltas = 0;
    for await (const msg of grpc.streamCompletion({ messages: [{ role: Role.USER, content: "Tell me a long story" }], tierOverride: Tier.FRONTIER })) {
      if (msg.event.case === "delta" && ++deltas === 3) break;
    }
    const day = windowOf("day", Date.now());
    const scope = { key: `reads:reader:day:${day.id}`, limitPico: 1_000_000_000_000n, endsAtMs: day.endsAtMs };
    const budgets = tierd.counters!.budgets;
    const until = Date.now() + 5_000;
    while ((await budgets.spent(scope)) === 0n && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    const spent = await budgets.spent(scope);
    // Some output at frontier prices ($25/M), far below the 4,096-token worst case.
    expect(spent).toBeGreaterThan(0n);
    expect(spent).toBeLessThan(4_096n * 25_000_000n);
    expect(await budgets.available([scope])).toEqual([scope.limitPico - spent]);
  });
});

describe("budgets and fallbacks", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const hopper = testKey("tierd_test_hopper_11223344556677889900", "hopper", { budgets: ["hops"] });
  beforeAll(async () => {
    fake = await startFakeUpstream();
    // Nano's worst case (64 tokens at $0.6/M plus input) is far below $0.001, mid's ($15/M output) is not.
    const yaml = authConfigYaml(fake.url, [hopper], { budgets: { hops: { usd_per_day: 0.001 } }, limits: { default_output_tokens: 64 }, retry: { max_retries: 0 } });
    tierd = await startTierd({ configText: yaml + prices, configSource: "t.yaml", env: {}, port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("reserves again on a fallback hop: a pricier tier the budget cannot cover is skipped, and the caller hears which budget", async () => {
    const { grpc } = clientsFor(RouterService, tierd.url, hopper.key);
    const before = fake.requestCount();
    const err = ConnectError.from(
      await grpc
        .route({ messages: [{ role: Role.USER, content: 'hi [[fake:{"model":"openai/gpt-4o-mini","status":503}]]' }], tierOverride: Tier.NANO })
        .catch((e: unknown) => e),
    );
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toMatch(/^budget hops of caller hopper \(day [\d-]+\): \$0\.001000 of \$0\.001000 left, a call to frontier-1 may cost up to/);
    expect(err.rawMessage).toMatch(/nano-1: SERVER_ERROR; mid-1: BUDGET \(budget hops cannot cover its worst case\); frontier-1: BUDGET/);
    // Only nano was called: the skipped hops cost nothing.
    expect(fake.requestCount() - before).toBe(1);
    expect(err.findDetails(LimitExceededSchema)[0]?.name).toBe("hops");
  });

  it("serves from the budget's own tier and counts the settled cost, not the reservation", async () => {
    const { grpc } = clientsFor(RouterService, tierd.url, hopper.key);
    const res = await grpc.route({ messages: [{ role: Role.USER, content: "hi" }], tierOverride: Tier.NANO });
    expect(res.attempts.map((a) => [a.deployment, AttemptOutcome[a.outcome], ErrorClass[a.errorClass]])).toEqual([["nano-1", "SUCCESS", "UNSPECIFIED"]]);
    const day = windowOf("day", Date.now());
    const scope = { key: `hops:hopper:day:${day.id}`, limitPico: 1_000_000_000n, endsAtMs: day.endsAtMs };
    expect(await tierd.counters!.budgets.spent(scope)).toBe(res.costPicoUsd);
  });
});

describe("the LLM classifier's spend", () => {
  // The classifier is always asked (confidence_below 1) and answers with a
  // verdict; each call costs the caller real (simulated) nano spend.
  const asker = testKey("tierd_test_asker_9f8e7d6c5b4a39281706", "asker", { budgets: ["classify"] });
  const BUDGET_PICO = 3_000_000_000n; // $0.003: a few classifier calls
  let fake: FakeUpstream;
  let tierd: Tierd;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false, reply: () => '{"tier":"mid","confidence":0.9}' });
    const yaml = authConfigYaml(fake.url, [asker], {
      budgets: { classify: { usd_per_day: 0.003 } },
      classifier: { llm: { enabled: true, confidence_below: 1, timeout_ms: 5_000 } },
    });
    tierd = await startTierd({ configText: yaml + prices, configSource: "t.yaml", env: {}, port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("is reserved against the caller's budget: once it is spent, the classifier is not called and the local decision stands", async () => {
    const { grpc } = clientsFor(RouterService, tierd.url, asker.key);
    let spent = 0n;
    let skipped = 0;
    for (let i = 0; i < 30; i++) {
      const res = await grpc.classify({ messages: [{ role: Role.USER, content: `Summarise ticket ${i} for the on-call engineer.` }] });
      spent += res.decision!.classifierCostPicoUsd;
      const llm = res.decision!.trace.find((s) => s.stage === DecisionStage.LLM_CLASSIFIER)!;
      if (/budget classify of caller asker/.test(llm.detail)) skipped++;
    }
    expect(spent).toBeGreaterThan(0n);
    expect(spent).toBeLessThanOrEqual(BUDGET_PICO);
    expect(skipped).toBeGreaterThan(0);
    // Every classifier call that was made reached the upstream and was paid; the refused ones never left tierd.
    expect(fake.requestCount()).toBe(30 - skipped);
    const day = windowOf("day", Date.now());
    expect(await tierd.counters!.budgets.spent({ key: `classify:asker:day:${day.id}`, limitPico: BUDGET_PICO, endsAtMs: day.endsAtMs })).toBe(spent);
  });
});
