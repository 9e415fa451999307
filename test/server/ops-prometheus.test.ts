// A real Prometheus scrapes tierd: Debian's `prometheus` binary as a child
// process on loopback, scraping GET /metrics every second with an admin key
// (the default with auth on), until its query API counts the requests sent.
// CI installs the package (.ci/run); without the binary the test is skipped
// and says which package to install.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { freePort } from "../helpers/redis.js";

const REQUESTS = 5;
const svc = testKey("tierd_test_prom_svc_5d4c3b2a19081726", "search-svc");
const scraper = testKey("tierd_test_prom_scraper_a1b2c3d4e5f60718", "prometheus", { admin: true });

const installed = spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0;
if (!installed) console.warn("ops-prometheus.test.ts skipped: no prometheus binary; install Debian's package: apt-get install -y prometheus");

interface QueryResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe.skipIf(!installed)("a real Prometheus scraping GET /metrics (Debian package prometheus)", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  let prometheus: ChildProcess | undefined;
  let output = "";
  let api: string;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    tierd = await startTierd({ configText: authConfigYaml(fake.url, [svc, scraper]), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
    dir = mkdtempSync(join(tmpdir(), "tierd-prometheus-"));
    const config = {
      global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
      scrape_configs: [
        {
          job_name: "tierd",
          metrics_path: "/metrics",
          authorization: { type: "Bearer", credentials: scraper.key },
          static_configs: [{ targets: [`127.0.0.1:${tierd.port}`] }],
        },
      ],
    };
    writeFileSync(join(dir, "prometheus.yml"), stringify(config));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      "prometheus",
      [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prometheus.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    prometheus.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.exitCode}:\n${output}`);
      if ((await fetch(`${api}/-/ready`).catch(() => undefined))?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`prometheus was not ready within 20 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 40_000);

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null && prometheus.signalCode === null) {
      const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
      prometheus.kill("SIGTERM");
      const killer = setTimeout(() => prometheus!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await tierd?.close(500);
    await fake?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (promql: string): Promise<QueryResult["data"]["result"]> => {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as QueryResult;
    if (body.status !== "success") throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const scalar = async (promql: string) => (await query(promql))[0]?.value[1];

  it(`counts the ${REQUESTS} Route requests it scraped, by tier and deployment`, async () => {
    const client = clientsFor(RouterService, tierd.url, svc.key).grpc;
    for (let i = 0; i < REQUESTS; i++) await client.route({ messages: [{ role: Role.USER, content: `prometheus ${i}` }], tierOverride: Tier.NANO });
    await expect.poll(() => scalar('sum(tierd_requests_total{job="tierd",tierd_request_kind="route"})'), { timeout: 30_000, interval: 250 }).toBe(String(REQUESTS));
    expect(await scalar('up{job="tierd"}')).toBe("1");
    const series = await query('tierd_requests_total{tierd_request_kind="route"}');
    expect(series.map((s) => [s.metric.tierd_tier, s.metric.tierd_deployment, s.metric.tierd_status, s.value[1]])).toEqual([["nano", "nano-1", "ok", String(REQUESTS)]]);
    expect(await scalar('sum(tierd_upstream_attempts_total{tierd_deployment="nano-1",tierd_attempt_outcome="success"})')).toBe(String(REQUESTS));
    expect(await scalar('tierd_deployment_breaker{tierd_deployment="nano-1",tierd_breaker_state="closed"}')).toBe("1");
  }, 60_000);
});
