// GET /healthz and /readyz on the server port: live while the process
// serves; ready while the ledger and Redis counters answer, and not ready
// from the moment shutdown begins. The outages are real: the ledger's
// PostgreSQL behind a loopback TCP relay the test cuts, and a Redis of the
// test's own that it kills.
import { once } from "node:events";
import http from "node:http";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream } from "../../src/demo/fake-upstream.js";
import { createHealthState } from "../../src/server/health.js";
import { opsRoutes, type ReadinessCheck } from "../../src/server/ops-routes.js";
import { withPlainRoutes } from "../../src/server/plain-http.js";
import { authConfigYaml, testKey } from "../callers/keys.js";
import { createTestSchema, POSTGRES_URL, type TestSchema } from "../helpers/postgres.js";
import { startOwnRedis, type OwnRedis } from "../helpers/redis.js";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";

interface Probe {
  status: number;
  body: { status: string; reasons?: string[] };
}

async function probe(url: string, path = "/readyz"): Promise<Probe> {
  const res = await fetch(`${url}${path}`);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return { status: res.status, body: (await res.json()) as Probe["body"] };
}

describe("/healthz and /readyz", () => {
  let t: TestTierd | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("are 200 while tierd serves, and refuse other methods", async () => {
    t = await startTestTierd();
    expect(await probe(t.tierd.url, "/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await probe(t.tierd.url)).toEqual({ status: 200, body: { status: "ready" } });
    const post = await fetch(`${t.tierd.url}/readyz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });

  it("turn /readyz 503 as soon as shutdown begins, while calls are still taken and the slow one finishes", async () => {
    t = await startTestTierd({ yaml: baseConfigYaml("{{FAKE}}").replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 5000\n  shutdown_delay_ms: 1500") });
    const { tierd, grpc: client } = t;
    t.fake.inject({ model: "openai/gpt-4o-mini", times: 1, fault: { delayHeadersMs: 1_200 } });
    const slow = client.route({ messages: [{ role: Role.USER, content: "a slow one" }], tierOverride: Tier.NANO });
    while (t.fake.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = tierd.close();
    expect(tierd.health.statusOf("")).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
    const draining = await probe(tierd.url);
    expect(draining).toEqual({ status: 503, body: { status: "draining", reasons: ["shutting down: draining in-flight calls"] } });
    // Live all the same: a liveness probe must not kill a draining process.
    expect((await probe(tierd.url, "/healthz")).status).toBe(200);
    // During server.shutdown_delay_ms new calls are still answered.
    expect((await client.classify({ messages: [{ role: Role.USER, content: "still there?" }] })).decision).toBeDefined();
    expect((await slow).deployment).toBe("nano-1");
    await closing;
  });
});

/**
 * A loopback TCP relay to PostgreSQL: `cut()` closes the port and resets
 * every connection through it (the database is unreachable), `mend()`
 * listens on the same port again.
 */
async function startRelay(targetPort: number): Promise<{ port: number; cut(): Promise<void>; mend(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = async (port: number) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, "127.0.0.1");
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(0);
  const cut = async () => {
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    server = undefined;
  };
  return { port, cut, mend: async () => void (await listen(port)), close: cut };
}

describe("/readyz and the ledger's database", () => {
  let schema: TestSchema;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let t: TestTierd;
  beforeAll(async () => {
    schema = createTestSchema("tierd_ready");
    const pg = new URL(POSTGRES_URL);
    relay = await startRelay(Number(pg.port || 5432));
    pg.host = `127.0.0.1:${relay.port}`;
    pg.searchParams.set("schema", schema.schema);
    t = await startTestTierd({ yaml: baseConfigYaml("{{FAKE}}").replace('database_url: "sqlite::memory:"', `database_url: "${pg.toString()}"`) });
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
    await schema?.drop();
  });

  it("is 503 naming the ledger while PostgreSQL is unreachable, and 200 again once it is back", async () => {
    expect(t.tierd.usage?.store.location).toContain(String(relay.port));
    expect(await probe(t.tierd.url)).toEqual({ status: 200, body: { status: "ready" } });
    await relay.cut();
    await expect.poll(() => probe(t.tierd.url), { timeout: 5_000, interval: 200 }).toEqual({ status: 503, body: { status: "not_ready", reasons: ["ledger: not reachable"] } });
    // Unreachable is not dead: liveness holds.
    expect((await probe(t.tierd.url, "/healthz")).status).toBe(200);
    await relay.mend();
    await expect.poll(() => probe(t.tierd.url), { timeout: 10_000, interval: 200 }).toEqual({ status: 200, body: { status: "ready" } });
  });
});

describe("/readyz and Redis counters", () => {
  let redis: OwnRedis;
  let tierd: Tierd | undefined;
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    await tierd?.close(500);
    await redis?.kill();
  });

  it("is 503 naming the counters while Redis is down, and 200 again once it is back", async () => {
    const fake = await startFakeUpstream({ record: false });
    try {
      const key = testKey("tierd_test_ready_key_1a2b3c4d5e6f7a8b", "svc");
      const yaml = authConfigYaml(fake.url, [key], { counters: { store: "redis", redis_url: redis.url } });
      tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
      expect(await probe(tierd.url)).toEqual({ status: 200, body: { status: "ready" } });
      await redis.kill();
      await expect.poll(() => probe(tierd!.url), { timeout: 5_000, interval: 200 }).toEqual({ status: 503, body: { status: "not_ready", reasons: ["counters: not reachable"] } });
      await redis.restart();
      await expect.poll(() => probe(tierd!.url), { timeout: 10_000, interval: 200 }).toEqual({ status: 200, body: { status: "ready" } });
    } finally {
      await tierd?.close(500);
      tierd = undefined;
      await fake.close();
    }
  });
});

describe("readiness checks", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(checks: ReadinessCheck[], options: { cacheMs?: number; checkTimeoutMs?: number } = {}): Promise<string> {
    const health = createHealthState([]);
    server = http.createServer(withPlainRoutes(opsRoutes({ health, checks, log: silentLogger, ...options }), () => undefined, () => undefined));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("run once for a storm of probes, and again only after the cache time", async () => {
    let calls = 0;
    const url = await serve([{ name: "ledger", check: async () => void calls++ }], { cacheMs: 300 });
    const storm = await Promise.all(Array.from({ length: 50 }, () => probe(url)));
    expect(storm.every((p) => p.status === 200)).toBe(true);
    expect(calls).toBe(1);
    await probe(url);
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await probe(url);
    expect(calls).toBe(2);
  });

  it("answer 503 within the bound when a check hangs, and never start a hung check twice", async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const url = await serve([{ name: "ledger", check: () => (calls++, hung) }, { name: "counters", check: async () => undefined }], { cacheMs: 0, checkTimeoutMs: 150 });
    const started = Date.now();
    expect(await probe(url)).toEqual({ status: 503, body: { status: "not_ready", reasons: ["ledger: no answer within 150 ms"] } });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await probe(url)).status).toBe(503);
    expect(calls).toBe(1);
    release();
    await expect.poll(() => probe(url), { timeout: 2_000, interval: 50 }).toEqual({ status: 200, body: { status: "ready" } });
  });
});
