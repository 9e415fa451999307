// tierd's services on an in-memory transport: the routes function the HTTP
// server mounts, called without a socket between caller and tierd (only the
// fake upstream is real HTTP). Fast, and it proves the routes carry no
// dependency on the listener.
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { createConfiguredDecider } from "../../src/policy/index.js";
import { createProvider, type Provider } from "../../src/provider/index.js";
import { createRouter, newRequestId } from "../../src/router/index.js";
import { errorMappingInterceptor } from "../../src/server/errors.js";
import { createHealthState } from "../../src/server/health.js";
import { SERVED_SERVICES, tierdRoutes } from "../../src/server/routes.js";

describe("tierd routes on an in-memory transport", () => {
  let fake: FakeUpstream;
  let provider: Provider;
  let transport: ReturnType<typeof createRouterTransport>;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const config = loadConfig({ env: { TIERD_BASE_URL: fake.url } });
    provider = createProvider({ config });
    const router = createRouter({ decider: createConfiguredDecider({ config }), provider });
    const routes = tierdRoutes({
      router,
      routerOptions: { newRequestId },
      admin: { store: undefined, ledger: undefined, maxFrontierShare: 0.3 },
      health: createHealthState(SERVED_SERVICES),
    });
    transport = createRouterTransport(routes, { router: { interceptors: [errorMappingInterceptor(silentLogger)] } });
  });
  afterAll(async () => {
    await provider?.close();
    await fake?.close();
  });

  it("classifies and routes", async () => {
    const client = createClient(RouterService, transport);
    const messages = [{ role: Role.USER, content: "Is 7 a prime number?" }];
    const decided = await client.classify({ messages });
    expect(decided.decision?.tier).toBe(Tier.NANO);
    const routed = await client.route({ messages });
    expect(routed.decision?.tier).toBe(Tier.NANO);
    expect(routed.content.length).toBeGreaterThan(0);
    expect(fake.requestCount()).toBe(1);
  });

  it("maps core errors to codes, as over the network", async () => {
    const client = createClient(RouterService, transport);
    const err = await client.classify({ messages: [] }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    // The bad field as the standard google.rpc.BadRequest detail.
    const [bad] = (err as ConnectError).findDetails(BadRequestSchema);
    expect(bad?.fieldViolations[0]?.field).toBe("messages");
    expect(bad?.fieldViolations[0]?.description).toMatch(/^messages: /);
    const admin = createClient(AdminService, transport);
    const noLedger = await admin.getUsageReport({}).catch((e: unknown) => ConnectError.from(e));
    expect((noLedger as ConnectError).code).toBe(Code.FailedPrecondition);
  });

  it("serves health for every service", async () => {
    const health = createClient(Health, transport);
    for (const service of SERVED_SERVICES.filter((s) => !s.includes("reflection"))) {
      expect((await health.check({ service })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
  });
});
