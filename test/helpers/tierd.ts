// Starts the real thing for a test: a fake OpenAI-compatible upstream on
// loopback and tierd on port 0 configured against it, plus clients over the
// gRPC and Connect protocols.
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { RouterService } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import type { TelemetryProviders } from "../../src/telemetry/index.js";
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from "../../src/demo/fake-upstream.js";

export interface TestTierd {
  tierd: Tierd;
  fake: FakeUpstream;
  grpc: Client<typeof RouterService>;
  connect: Client<typeof RouterService>;
  close(): Promise<void>;
}

export interface TestTierdOptions {
  /** Extra YAML appended to the base config (top-level sections). */
  extraYaml?: string;
  /** Replace the base config entirely; `{{FAKE}}` is the fake's base URL. */
  yaml?: string;
  fake?: FakeUpstreamOptions;
  env?: Record<string, string>;
  /** OpenTelemetry providers (in-memory exporters) to report to. */
  telemetry?: TelemetryProviders;
}

/** Three tiers, one deployment each, all on the fake upstream. */
export function baseConfigYaml(fakeUrl: string): string {
  return `
server:
  shutdown_grace_ms: 2000
log:
  level: silent
deployments:
  nano-1:
    model: openai/gpt-4o-mini
    base_url: ${fakeUrl}
    api_key: test-key-nano
  mid-1:
    model: anthropic/claude-sonnet-4-6
    base_url: ${fakeUrl}
    api_key: test-key-mid
  frontier-1:
    model: anthropic/claude-opus-4-7
    base_url: ${fakeUrl}
    api_key: test-key-frontier
tiers:
  nano: { deployments: [nano-1] }
  mid: { deployments: [mid-1] }
  frontier: { deployments: [frontier-1] }
usage:
  database_url: "sqlite::memory:"
auth:
  enabled: false
`;
}

export async function startTestTierd(options: TestTierdOptions = {}): Promise<TestTierd> {
  const fake = await startFakeUpstream(options.fake);
  const yaml = options.yaml !== undefined ? options.yaml.replaceAll("{{FAKE}}", fake.url) : baseConfigYaml(fake.url) + (options.extraYaml ?? "");
  let tierd: Tierd;
  try {
    tierd = await startTierd({ configText: yaml, configSource: "test.yaml", env: options.env ?? {}, port: 0, logger: silentLogger, ...(options.telemetry ? { telemetry: options.telemetry } : {}) });
  } catch (err) {
    await fake.close();
    throw err;
  }
  const grpc = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
  const connect = createClient(RouterService, createConnectTransport({ baseUrl: tierd.url, httpVersion: "2" }));
  return {
    tierd,
    fake,
    grpc,
    connect,
    async close() {
      await tierd.close(500);
      await fake.close();
    },
  };
}
