// Budgets survive restarts: tierd rebuilds each caller's day and month
// counters from the ledger at start (memory counters begin at zero) and
// after Redis comes back (a Redis without persistence comes back empty), so
// a caller who spent its budget before the restart is still refused after.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { windowOf } from "../../src/callers/index.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { startOwnRedis, type OwnRedis } from "../helpers/redis.js";
import { authConfigYaml, clientsFor, testKey } from "./keys.js";

const spender = testKey("tierd_test_spender_1a2b3c4d5e6f7a8b9c0d", "spender", { budgets: ["daily"] });
const LIMIT_PICO = 2_000_000_000n; // $0.002
const day = () => {
  const w = windowOf("day", Date.now());
  return { key: `daily:spender:day:${w.id}`, limitPico: LIMIT_PICO, endsAtMs: w.endsAtMs };
};

/** Routes on frontier until the budget refuses; returns what was billed. */
async function spendAll(t: Tierd): Promise<bigint> {
  const { grpc } = clientsFor(RouterService, t.url, spender.key);
  let spent = 0n;
  for (let i = 0; i < 20; i++) {
    try {
      spent += (await grpc.route({ messages: [{ role: Role.USER, content: `hello ${i}` }], tierOverride: Tier.FRONTIER })).costPicoUsd;
    } catch (err) {
      expect(ConnectError.from(err).code).toBe(Code.ResourceExhausted);
      return spent;
    }
  }
  throw new Error("the budget never refused");
}

describe("budget counters rebuilt from the ledger", () => {
  let fake: FakeUpstream;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    dir = mkdtempSync(join(tmpdir(), "tierd-budget-restore-"));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A ledger file of its own per counter store, kept across the restart. */
  const config = (counters: Record<string, unknown>) =>
    authConfigYaml(fake.url, [spender], { budgets: { daily: { usd_per_day: 0.002 } }, counters, limits: { default_output_tokens: 64 } }).replace(
      'database_url: "sqlite::memory:"',
      `database_url: "sqlite:${join(dir, `ledger-${String(counters.store)}.db`)}"`,
    );
  const start = (yaml: string) => startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });

  it("memory counters: a restarted tierd still refuses the caller who spent its budget", async () => {
    const yaml = config({ store: "memory" });
    const first = await start(yaml);
    const spent = await spendAll(first);
    expect(spent).toBeGreaterThan(0n);
    await first.close(1_000);

    const second = await start(yaml);
    try {
      expect(await second.counters!.budgets.spent(day())).toBe(spent);
      const { grpc } = clientsFor(RouterService, second.url, spender.key);
      const err = await grpc.route({ messages: [{ role: Role.USER, content: "after the restart" }], tierOverride: Tier.FRONTIER }).catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.ResourceExhausted);
    } finally {
      await second.close(500);
    }
  });

  describe("Redis counters", () => {
    let redis: OwnRedis;
    beforeAll(async () => {
      redis = await startOwnRedis();
    });
    afterAll(async () => {
      await redis?.kill();
    });

    it("refills counters that a Redis restart without persistence emptied", { timeout: 30_000 }, async () => {
      const t = await start(config({ store: "redis", redis_url: redis.url, key_prefix: "restore:" }));
      try {
        const spent = await spendAll(t);
        await t.usage!.ledger.flush();
        await redis.kill();
        await redis.restart();
        // Empty after the restart, then rebuilt once tierd has reconnected.
        await expect.poll(() => t.counters!.budgets.spent(day()).catch(() => -1n), { timeout: 15_000, interval: 100 }).toBe(spent);
        const { grpc } = clientsFor(RouterService, t.url, spender.key);
        const err = await grpc.route({ messages: [{ role: Role.USER, content: "after Redis restarted" }], tierOverride: Tier.FRONTIER }).catch((e: unknown) => e);
        expect(ConnectError.from(err).code).toBe(Code.ResourceExhausted);
      } finally {
        await t.close(500);
      }
    });
  });
});
