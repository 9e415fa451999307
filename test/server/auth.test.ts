// Caller authentication over the real server: keys in the config as SHA-256
// digests, sent by real gRPC and Connect clients as bearer tokens.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { DecisionStage, Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { ConfigError } from "../../src/config/index.js";
import { createLogger, silentLogger } from "../../src/core/log.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const svc = testKey("tierd_test_svc_0f9a8b7c6d5e4f3a2b1c", "search-svc", { plan: "pro", endpoints: ["/api/search/*"], max_tier: "mid", name: "search-2026" });
const ops = testKey("tierd_test_ops_1a2b3c4d5e6f7a8b9c0d", "ops", { admin: true });
const REVOKED = "tierd_test_old_99887766554433221100";
const question = [{ role: Role.USER, content: "Is 7 a prime number?" }];
const endpoint = "/api/search/suggest";

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error("expected the call to fail");
  return ConnectError.from(err);
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

describe("API-key authentication", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ yaml: authConfigYaml("{{FAKE}}", [svc, ops], {}, [REVOKED]) });
  });
  afterAll(async () => {
    await t.close();
  });

  for (const [name, key, message] of [
    ["no key", undefined, /missing API key/],
    ["an unknown key", "tierd_test_nobody_000000000000000000", /unknown API key/],
    ["a revoked key", REVOKED, /revoked/],
  ] as const) {
    it(`refuses ${name} with Unauthenticated on every RouterService method, before any upstream call`, async () => {
      const before = t.fake.requestCount();
      const { grpc, connect } = clientsFor(RouterService, t.tierd.url, key);
      for (const client of [grpc, connect]) {
        for (const call of [
          () => client.classify({ messages: question, endpoint }),
          () => client.route({ messages: question, endpoint }),
          () => drain(client.streamCompletion({ messages: question, endpoint })),
        ]) {
          const err = await failure(call());
          expect(err.code).toBe(Code.Unauthenticated);
          expect(err.rawMessage).toMatch(message);
          if (key !== undefined) expect(err.rawMessage).not.toContain(key);
        }
      }
      expect(t.fake.requestCount()).toBe(before);
    });
  }

  it("refuses a header that is not a bearer token", async () => {
    const res = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Classify`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${svc.key}` },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }], endpoint }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe("unauthenticated");
    expect(body.message).not.toContain(svc.key);
  });

  it("serves a known key and records the authenticated caller, not the one the request claims", async () => {
    const { grpc } = clientsFor(RouterService, t.tierd.url, svc.key);
    const res = await grpc.route({ messages: question, endpoint, requestId: "auth-ledger-1", caller: { id: "spoofed", plan: "enterprise", metadata: { team: "search" } } });
    expect(res.content).not.toBe("");
    await t.tierd.usage!.ledger.flush();
    const [record] = await t.tierd.usage!.store.recordsOf("auth-ledger-1");
    expect(record).toMatchObject({ callerId: "search-svc", callerPlan: "pro", callerMetadata: { team: "search" } });
  });

  it("keeps health checking and reflection open", async () => {
    const health = clientsFor(Health, t.tierd.url).grpc;
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const reflection = clientsFor(ServerReflection, t.tierd.url).grpc;
    async function* one() {
      yield { host: "", messageRequest: { case: "listServices" as const, value: "" } };
    }
    for await (const res of reflection.serverReflectionInfo(one())) {
      expect(res.messageResponse.case).toBe("listServicesResponse");
    }
  });

  it("lets only admin keys call AdminService", async () => {
    expect((await failure(clientsFor(AdminService, t.tierd.url).grpc.getUsageReport({}))).code).toBe(Code.Unauthenticated);
    const denied = await failure(clientsFor(AdminService, t.tierd.url, svc.key).grpc.getUsageReport({}));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toMatch(/search-svc.*not an admin key/);
    const report = await clientsFor(AdminService, t.tierd.url, ops.key).connect.getUsageReport({});
    expect(report.report).toBeDefined();
  });

  it("denies an endpoint outside the key's endpoints", async () => {
    const before = t.fake.requestCount();
    const { grpc } = clientsFor(RouterService, t.tierd.url, svc.key);
    const err = await failure(grpc.route({ messages: question, endpoint: "/api/admin/export" }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toContain('may not call endpoint "/api/admin/export"');
    expect(t.fake.requestCount()).toBe(before);
  });

  it("denies a tier_override above the key's max_tier and honours one within it", async () => {
    const { grpc } = clientsFor(RouterService, t.tierd.url, svc.key);
    const err = await failure(drain(grpc.streamCompletion({ messages: question, endpoint, tierOverride: Tier.FRONTIER })));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toMatch(/may not use tier frontier.*up to mid/);
    const ok = await grpc.classify({ messages: question, endpoint, tierOverride: Tier.MID });
    expect(ok.decision!.tier).toBe(Tier.MID);
    expect(ok.decision!.decidedBy).toBe(DecisionStage.OVERRIDE);
  });

  it("caps a decided tier above the key's max_tier instead of refusing, and never falls back above it", async () => {
    const { grpc } = clientsFor(RouterService, t.tierd.url, svc.key);
    const hard =
      "Design the architecture for a multi-tenant audit log with per-tenant retention and legal hold. Constraints: EU data must stay in the EU; 99.95% availability; replays of the last 30 days. Compare two options and explain the failure modes and the migration.";
    const res = await grpc.classify({ messages: [{ role: Role.USER, content: hard }], endpoint });
    expect(res.decision!.tier).toBe(Tier.MID);
    expect(res.decision!.decidedBy).toBe(DecisionStage.CALLER_LIMIT);
    expect(res.decision!.reason).toMatch(/^caller search-svc may use up to mid \(key search-2026\): frontier lowered to mid/);

    const err = await failure(
      grpc.route({ messages: [{ role: Role.USER, content: 'hi [[fake:{"model":"anthropic/claude-sonnet-4-6","status":503}]]' }], endpoint, tierOverride: Tier.MID }),
    );
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).not.toContain("frontier-1");
  });
});

describe("starting with authentication", () => {
  it("refuses auth on without any key, naming auth.keys", async () => {
    const yaml = baseConfigYaml("http://127.0.0.1:9/v1").replace("auth:\n  enabled: false\n", "");
    const err = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/auth\.keys: authentication is on \(auth\.enabled defaults to true\) but no key is configured/);
  });

  it("refuses auth off on an address beyond loopback, naming auth.enabled", async () => {
    const yaml = baseConfigYaml("http://127.0.0.1:9/v1");
    const err = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, host: "0.0.0.0", port: 0, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/auth\.enabled: authentication is off but tierd would listen on 0\.0\.0\.0/);
  });

  it("starts the embedded default with auth off on loopback and says why that is safe", async () => {
    const lines: string[] = [];
    let tierd: Tierd | undefined;
    try {
      tierd = await startTierd({ env: {}, port: 0, logger: createLogger({ level: "info", write: (line) => lines.push(line) }) });
      const said = lines.map((l) => JSON.parse(l) as { msg: string; host?: string }).find((l) => l.msg.startsWith("authentication is off"));
      expect(said?.msg).toMatch(/safe here only because tierd listens on loopback/);
      expect(said?.host).toBe("127.0.0.1");
      const { grpc } = clientsFor(RouterService, tierd.url);
      expect((await grpc.classify({ messages: question })).decision).toBeDefined();
    } finally {
      await tierd?.close(0);
    }
  });
});
