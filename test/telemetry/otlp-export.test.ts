// The SDK path as operators use it: tierd as a process with OTEL_* variables
// pointing at a stand-in OTLP/HTTP collector on loopback, and Prometheus's
// /metrics beside it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { spawnTierd, writeTempConfig, type TierdProcess } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";
import { parseExposition, valueOf } from "./exposition.js";

interface Collected {
  path: string;
  body: unknown;
}

async function startCollector(): Promise<{ url: string; received: Collected[]; server: Server }> {
  const received: Collected[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString() || "{}") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe("OTLP export from the environment", () => {
  let fake: FakeUpstream | undefined;
  let proc: TierdProcess | undefined;
  let collector: Server | undefined;
  afterEach(async () => {
    proc?.child.kill("SIGKILL");
    await fake?.close();
    collector?.close();
  });

  it("exports the request's spans and metrics to OTEL_EXPORTER_OTLP_ENDPOINT, flushed at shutdown", async () => {
    const c = await startCollector();
    collector = c.server;
    fake = await startFakeUpstream();
    const yaml = baseConfigYaml(fake.url).replace("level: silent", "level: info");
    proc = await spawnTierd(["--config", writeTempConfig(yaml), "--port", "0"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "tierd-under-test",
    });
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: proc.url }));
    await client.route({ messages: [{ role: Role.USER, content: "hello" }], tierOverride: Tier.NANO });
    // Prometheus (on by default) reads the same instruments beside the OTLP reader.
    const scraped = parseExposition(await (await fetch(`${proc.url}/metrics`)).text());
    expect(valueOf(scraped, "tierd_requests_total", { tierd_request_kind: "route", tierd_tier: "nano", tierd_deployment: "nano-1", tierd_status: "ok" })).toBe(1);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);

    const traces = JSON.stringify(c.received.filter((r) => r.path === "/v1/traces").map((r) => r.body));
    for (const name of ["tierd.v1.RouterService/Route", "route", "chat openai/gpt-4o-mini"]) expect(traces).toContain(`"name":"${name}"`);
    expect(traces).toContain('"stringValue":"tierd-under-test"');
    const metrics = JSON.stringify(c.received.filter((r) => r.path === "/v1/metrics").map((r) => r.body));
    for (const name of ["tierd.requests", "gen_ai.client.operation.duration", "gen_ai.client.token.usage"]) expect(metrics).toContain(`"name":"${name}"`);
  });
});
