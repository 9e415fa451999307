// A running tierd reloads its configuration file: a price change bills the
// next request at the new price while a request already running finishes
// on the old configuration; a new API key works and a removed one stops
// working; a broken file is refused with its fields named and the running
// configuration keeps serving; settings that need a restart are named.
import { writeFileSync } from "node:fs";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { Role, RouterService, Tier, type StreamSummary } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { ConfigError } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { spawnTierd, writeTempConfig } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const first = testKey("tierd_test_reload_first_0123456789abcd", "first");
const second = testKey("tierd_test_reload_second_0123456789abc", "second");
const ask = (content: string) => [{ role: Role.USER, content }];

describe("reloading the configuration", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  let path: string;
  const yaml = (keys: (typeof first)[], nanoInput: number, extra: Record<string, unknown> = {}) =>
    authConfigYaml(fake.url, keys, extra) + `pricing:\n  openai/gpt-4o-mini: { input: ${nanoInput}, output: 0.6 }\n`;

  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    path = writeTempConfig(yaml([first], 0.15));
    tierd = await startTierd({ configPath: path, env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("bills the next request at a changed price, and a request already running at the price it started with", async () => {
    const { grpc } = clientsFor(RouterService, tierd.url, first.key);
    const request = (content: string) => ({ messages: ask(content), tierOverride: Tier.NANO, params: { maxOutputTokens: 20 } });
    const before = await grpc.route(request("the same question"));
    // Started before the reload, answered after it (the fake waits 600 ms before its headers).
    const running = grpc.route(request('the same question [[fake:{"delayHeadersMs":600}]]'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    writeFileSync(path, yaml([first], 1.5));
    expect(tierd.reloadConfig()).toEqual({ source: path, restartRequired: [] });
    const after = await grpc.route(request("the same question"));
    const slow = await running;
    expect(after.usage!.inputTokens).toBe(before.usage!.inputTokens);
    // Input at 10x the price, output unchanged.
    const inputCost = (r: typeof before) => r.costPicoUsd - BigInt(r.usage!.outputTokens) * 600_000n;
    expect(inputCost(after)).toBe(10n * inputCost(before));
    expect(inputCost(slow)).toBe(BigInt(slow.usage!.inputTokens) * 150_000n);
    expect(tierd.config.pricing["openai/gpt-4o-mini"]?.input).toBe(1.5);
  });

  it("lets a key added by a reload in, and keeps a removed key out", async () => {
    const added = clientsFor(RouterService, tierd.url, second.key).grpc;
    const refused = await added.classify({ messages: ask("hello") }).catch((e: unknown) => e);
    expect(ConnectError.from(refused).code).toBe(Code.Unauthenticated);
    writeFileSync(path, yaml([second], 1.5));
    tierd.reloadConfig();
    expect((await added.classify({ messages: ask("hello") })).decision).toBeDefined();
    const removed = await clientsFor(RouterService, tierd.url, first.key).grpc.classify({ messages: ask("hello") }).catch((e: unknown) => e);
    expect(ConnectError.from(removed).code).toBe(Code.Unauthenticated);
  });

  it("refuses a broken file with the field it is about, and the running configuration keeps serving", async () => {
    writeFileSync(path, yaml([second], 1.5).replace("deployments: [nano-1]", "deployments: [no-such-deployment]"));
    let error: unknown;
    try {
      tierd.reloadConfig();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/tiers\.nano\.deployments/);
    const { grpc } = clientsFor(RouterService, tierd.url, second.key);
    const res = await grpc.route({ messages: ask("still serving?"), tierOverride: Tier.NANO });
    expect(res.content).toContain("Simulated answer");
    expect(tierd.config.pricing["openai/gpt-4o-mini"]?.input).toBe(1.5);
  });

  it("names the changed settings that need a restart, keeps their running values, and applies the rest", async () => {
    writeFileSync(path, yaml([second], 0.3, { usage: undefined }).replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 2500").replace('database_url: "sqlite::memory:"', 'database_url: "sqlite::memory:"\n  batch_size: 50'));
    const result = tierd.reloadConfig();
    expect(result.restartRequired).toEqual(["server.shutdown_grace_ms", "usage.batch_size"]);
    expect(tierd.config.server.shutdown_grace_ms).toBe(2000);
    expect(tierd.config.usage.batch_size).toBe(200);
    expect(tierd.config.pricing["openai/gpt-4o-mini"]?.input).toBe(0.3);
  });
});

describe("AdminService.ReloadConfig", () => {
  const admin = testKey("tierd_test_reload_admin_0123456789abcd", "ops", { admin: true });
  let fake: FakeUpstream;
  let tierd: Tierd;
  let path: string;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    path = writeTempConfig(authConfigYaml(fake.url, [admin]));
    tierd = await startTierd({ configPath: path, env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
  });

  it("reloads over the RPC, and answers a broken file with FAILED_PRECONDITION naming the field", async () => {
    const { grpc } = clientsFor(AdminService, tierd.url, admin.key);
    writeFileSync(path, authConfigYaml(fake.url, [admin]).replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: -5"));
    const err = await grpc.reloadConfig({}).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.FailedPrecondition);
    expect(ConnectError.from(err).rawMessage).toMatch(/configuration not reloaded, the running one keeps serving: .*server\.shutdown_grace_ms/s);
    writeFileSync(path, authConfigYaml(fake.url, [admin], { limits: { max_messages: 3 } }));
    const res = await grpc.reloadConfig({});
    expect(res).toMatchObject({ source: path, restartRequired: [] });
    const tooMany = await clientsFor(RouterService, tierd.url, admin.key).grpc.classify({ messages: [...ask("a"), ...ask("b"), ...ask("c"), ...ask("d")] }).catch((e: unknown) => e);
    expect(ConnectError.from(tooMany).code).toBe(Code.InvalidArgument);
  });
});

describe("SIGHUP reloads the configuration of a running tierd", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("bills the next request at a new price while a stream in flight completes on the old one; a broken file is logged with its fields and the old config serves", { timeout: 60_000 }, async () => {
    const yamlAt = (input: number) =>
      baseConfigYaml(fake.url).replace("level: silent", "level: info") + `pricing:\n  openai/gpt-4o-mini: { input: ${input}, output: 0.6 }\n`;
    const path = writeTempConfig(yamlAt(0.15));
    const p = await spawnTierd(["--config", path, "--port", "0"]);
    try {
      const client = createClient(RouterService, createGrpcTransport({ baseUrl: p.url }));
      const inputCost = (r: { costPicoUsd: bigint; usage?: { outputTokens: number } | undefined }) => r.costPicoUsd - BigInt(r.usage!.outputTokens) * 600_000n;
      // A stream that waits 1.5 s for its first token: in flight across the reload.
      const streaming = (async () => {
        let summary: StreamSummary | undefined;
        for await (const msg of client.streamCompletion({ messages: ask('a slow story [[fake:{"delayFirstTokenMs":1500}]]'), tierOverride: Tier.NANO, params: { maxOutputTokens: 40 } })) {
          if (msg.event.case === "summary") summary = msg.event.value;
        }
        return summary!;
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      writeFileSync(path, yamlAt(1.5));
      p.child.kill("SIGHUP");
      await until(() => p.stderr().includes('"msg":"configuration reloaded'), 10_000);
      const after = await client.route({ messages: ask("priced after the reload"), tierOverride: Tier.NANO, params: { maxOutputTokens: 40 } });
      expect(inputCost(after)).toBe(BigInt(after.usage!.inputTokens) * 1_500_000n);
      const stream = await streaming;
      expect(inputCost(stream)).toBe(BigInt(stream.usage!.inputTokens) * 150_000n);

      writeFileSync(path, yamlAt(1.5).replace("deployments: [nano-1]", "deployments: [nowhere]"));
      p.child.kill("SIGHUP");
      await until(() => p.stderr().includes("SIGHUP: configuration not reloaded"), 10_000);
      expect(p.stderr()).toMatch(/SIGHUP: configuration not reloaded, the running one keeps serving: [\s\S]*tiers\.nano\.deployments/);
      const still = await client.route({ messages: ask("still the reloaded price"), tierOverride: Tier.NANO, params: { maxOutputTokens: 40 } });
      expect(inputCost(still)).toBe(BigInt(still.usage!.inputTokens) * 1_500_000n);
    } finally {
      p.child.kill("SIGTERM");
      await p.exited;
    }
  });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
