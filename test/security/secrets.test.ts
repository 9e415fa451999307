// Canary keys: an upstream key and a caller key that must never appear in
// what tierd writes or says. Upstreams that reject the key echo it back (as
// some providers do) in 401/403/429/500 bodies and in a broken stream; the
// test then greps the logs (debug level), the spans, every error the
// clients saw (messages, details, headers), the usage report (RPC and CLI
// table) and the raw ledger rows.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { toJson } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { MeterProvider as ApiMeterProvider } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService, GetUsageReportResponseSchema } from "../../gen/tierd/v1/admin_pb.js";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { formatReportTable } from "../../src/cli/format-report.js";
import { createLogger } from "../../src/core/log.js";
import { buildUsageReport } from "../../src/usage/index.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";

const UPSTREAM_CANARY = "canaryUPSTREAM7f3e9a1c5b2d8e4f6a0c";
const SK_CANARY = "sk-canary-9d8c7b6a5f4e3d2c1b0a";
const CALLER_CANARY = "tierd_canary_caller_3c2b1a0f9e8d7c6b5a49";

describe("secrets never leak", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  let dir: string;
  const logs: string[] = [];
  const seen: string[] = [];
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider();

  beforeAll(async () => {
    fake = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), "tierd-canary-"));
    const caller = testKey(CALLER_CANARY, "canary-caller", { admin: true });
    const yaml = authConfigYaml(fake.url, [caller], { retry: { max_retries: 0 }, cooldown: { failure_threshold: 1000 } })
      .replace("api_key: test-key-nano", "api_key: ${UPSTREAM_KEY}")
      .replace("api_key: test-key-mid", "api_key: ${SK_KEY}")
      .replace("api_key: test-key-frontier", "api_key: ${UPSTREAM_KEY}")
      .replace('database_url: "sqlite::memory:"', `database_url: "sqlite:${join(dir, "ledger.db")}"\n  store_prompts: true`)
      .replace("level: silent", "level: debug");
    tierd = await startTierd({
      configText: yaml,
      configSource: "t.yaml",
      env: { UPSTREAM_KEY: UPSTREAM_CANARY, SK_KEY: SK_CANARY },
      port: 0,
      logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
      telemetry: { tracerProvider, meterProvider: meterProvider as ApiMeterProvider },
    });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await fake?.close();
    await tracerProvider.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const record = (err: unknown) => {
    const e = ConnectError.from(err);
    seen.push(e.message, e.rawMessage, JSON.stringify([...e.metadata.entries()]));
    for (const d of e.details) seen.push(JSON.stringify(d, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v)));
  };

  it("keeps both canaries out of logs, spans, errors, reports and the ledger", async () => {
    const { grpc, connect } = clientsFor(RouterService, tierd.url, CALLER_CANARY);
    const echo = (key: string) => `Incorrect API key provided: ${key}. You can find your API key at the dashboard.`;
    fake.inject({ model: "openai/gpt-4o-mini", times: 3, fault: { status: 401, message: echo(UPSTREAM_CANARY) } });
    fake.inject({ model: "anthropic/claude-sonnet-4-6", times: 3, fault: { status: 403, message: echo(SK_CANARY) } });
    const ask = (content: string) => [{ role: Role.USER, content }];
    for (const client of [grpc, connect]) {
      await client.route({ messages: ask("hello"), tierOverride: Tier.NANO }).catch(record);
      await (async () => {
        for await (const m of client.streamCompletion({ messages: ask("hello"), tierOverride: Tier.MID })) seen.push(JSON.stringify(m.event.case));
      })().catch(record);
    }
    // Every other failure shape, each echoing a key.
    for (const fault of [
      { status: 429, message: echo(UPSTREAM_CANARY) },
      { status: 500, message: echo(UPSTREAM_CANARY) },
      { status: 400, message: echo(UPSTREAM_CANARY) },
    ]) {
      // Injected, not a directive: a directive would put the key in the prompt itself.
      fake.inject({ model: "anthropic/claude-opus-4-7", fault });
      await grpc.route({ messages: ask("x"), tierOverride: Tier.FRONTIER }).catch(record);
    }
    // A caller who sends an upstream key as its own is refused without hearing it back.
    await clientsFor(RouterService, tierd.url, UPSTREAM_CANARY).grpc.classify({ messages: ask("hi") }).catch(record);
    // Frontier's key was refused by no 401: it still answers.
    const ok = await grpc.route({ messages: ask("hello"), tierOverride: Tier.FRONTIER });
    seen.push(JSON.stringify(ok.attempts));

    await tierd.usage!.ledger.flush();
    const report = await clientsFor(AdminService, tierd.url, CALLER_CANARY).grpc.getUsageReport({});
    const reportJson = JSON.stringify(toJson(GetUsageReportResponseSchema, report));
    const table = formatReportTable(await buildUsageReport(tierd.usage!.store, { sinceMs: 0, untilMs: Date.now() + 1, topEndpoints: 10, maxFrontierShare: 0.3 }));
    const db = new Database(join(dir, "ledger.db"), { readonly: true });
    const rows = JSON.stringify(db.prepare("SELECT * FROM usage_records").all());
    db.close();
    const spanText = JSON.stringify(
      spans.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
    );

    // The test saw what it is meant to see: failures, records and spans.
    expect(seen.join("\n")).toMatch(/UNAVAILABLE|unavailable|credentials/);
    expect(rows.length).toBeGreaterThan(100);
    expect(spanText).toContain("gen_ai");
    expect(fake.requests.some((r) => r.authorization === `Bearer ${UPSTREAM_CANARY}`)).toBe(true);

    const everything = { logs: logs.join("\n"), spans: spanText, errors: seen.join("\n"), report: reportJson, table, ledger: rows };
    for (const [where, text] of Object.entries(everything)) {
      for (const canary of [UPSTREAM_CANARY, SK_CANARY, CALLER_CANARY, "canaryUPSTREAM", "sk-canary", "tierd_canary_caller"]) {
        expect(text.includes(canary), `${canary} in ${where}`).toBe(false);
      }
    }
  });
});
