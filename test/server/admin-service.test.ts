import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService, FeedbackVerdict, ReportWarningKind, type UsageBucket } from "../../gen/tierd/v1/admin_pb.js";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";

const ask = (content: string) => [{ role: Role.USER, content }];

async function codeOf(call: Promise<unknown>): Promise<[Code, string]> {
  const err = ConnectError.from(await call.then(() => new Error("no error"), (e: unknown) => e));
  return [err.code, err.rawMessage];
}

describe("AdminService over a real server", () => {
  let t: TestTierd;
  let admin: Client<typeof AdminService>;
  beforeAll(async () => {
    const yaml = baseConfigYaml("{{FAKE}}").replace('database_url: "sqlite::memory:"', 'database_url: "sqlite::memory:"\n  store_prompts: true\n  max_frontier_share: 0.25\n  flush_interval_ms: 60000');
    t = await startTestTierd({ yaml });
    admin = createClient(AdminService, createGrpcTransport({ baseUrl: t.tierd.url }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("takes feedback on a request just served, before its record's flush interval", async () => {
    const res = await t.grpc.route({ messages: ask("Write a merge sort in Rust"), requestId: "fb-1", tierOverride: Tier.NANO, endpoint: "/code" });
    expect(res.tier).toBe(Tier.NANO);
    const ack = await admin.submitFeedback({ requestId: "fb-1", verdict: FeedbackVerdict.MISROUTED, expectedTier: Tier.MID, comment: "compiles but wrong" });
    expect(ack).toMatchObject({ decidedTier: Tier.NANO, servedTier: Tier.NANO, promptStored: true });
    expect(ack.feedbackId).toMatch(/^[0-9a-f-]{36}$/);

    const labels = [];
    for await (const label of admin.exportLabels({ misroutedOnly: true })) labels.push(label);
    expect(labels).toEqual([expect.objectContaining({ prompt: "Write a merge sort in Rust", tier: Tier.MID, requestId: "fb-1", verdict: FeedbackVerdict.MISROUTED })]);
  });

  it("refuses feedback it cannot use, naming the field", async () => {
    await t.grpc.route({ messages: ask("hello"), requestId: "fb-2", tierOverride: Tier.MID });
    expect(await codeOf(admin.submitFeedback({ requestId: "fb-2", verdict: FeedbackVerdict.MISROUTED }))).toEqual([
      Code.InvalidArgument,
      "expected_tier: is required for FEEDBACK_VERDICT_MISROUTED: say which tier the request should have had",
    ]);
    expect((await codeOf(admin.submitFeedback({ requestId: "fb-2", verdict: FeedbackVerdict.MISROUTED, expectedTier: Tier.MID })))[1]).toMatch(/^expected_tier: the request was already answered by mid/);
    expect((await codeOf(admin.submitFeedback({ requestId: "fb-2", verdict: FeedbackVerdict.UNSPECIFIED })))[0]).toBe(Code.InvalidArgument);
    expect((await codeOf(admin.submitFeedback({ requestId: "", verdict: FeedbackVerdict.GOOD })))[1]).toBe("request_id: is required");
    expect((await codeOf(admin.submitFeedback({ requestId: "fb-2", verdict: FeedbackVerdict.GOOD, comment: "x".repeat(2001) })))[0]).toBe(Code.InvalidArgument);
    const [code, message] = await codeOf(admin.submitFeedback({ requestId: "never-served", verdict: FeedbackVerdict.GOOD }));
    expect(code).toBe(Code.NotFound);
    expect(message).toContain('no ledger record for request_id "never-served"');
  });

  it("reports over RPC with the configured frontier bound, including requests just served", async () => {
    for (let i = 0; i < 3; i++) await t.grpc.route({ messages: ask(`q${i}`), tierOverride: Tier.FRONTIER, endpoint: "/report" });
    await t.grpc.route({ messages: ask("q"), tierOverride: Tier.NANO, endpoint: "/report" });
    const { report } = await admin.getUsageReport({ endpoint: "/report" });
    expect(report?.totals?.requests).toBe(4n);
    expect(report?.maxFrontierShare).toBe(0.25);
    expect(report?.tiers.map((x) => [x.tier, x.requests])).toEqual([
      [Tier.NANO, 1n],
      [Tier.MID, 0n],
      [Tier.FRONTIER, 3n],
    ]);
    expect(report?.warnings.map((w) => w.kind)).toContain(ReportWarningKind.FRONTIER_SHARE);
    const relaxed = await admin.getUsageReport({ endpoint: "/report", maxFrontierShare: 0.9 });
    expect(relaxed.report?.warnings.map((w) => w.kind)).not.toContain(ReportWarningKind.FRONTIER_SHARE);
  });

  it("carries the window's time buckets, which add up to its totals, at the width asked for", async () => {
    const { report } = await admin.getUsageReport({ endpoint: "/report", lookback: { seconds: 6n * 3600n } });
    expect(report!.bucketWidth).toMatchObject({ seconds: 3600n });
    expect(report!.buckets.length).toBeGreaterThanOrEqual(6);
    expect(report!.buckets.length).toBeLessThanOrEqual(7);
    const sum = (f: (b: UsageBucket) => bigint) => report!.buckets.reduce((a, b) => a + f(b), 0n);
    expect(sum((b) => b.requests)).toBe(report!.totals!.requests);
    expect(sum((b) => b.costPicoUsd)).toBe(report!.totals!.costPicoUsd);
    const frontier = report!.buckets.flatMap((b) => b.tiers.filter((x) => x.tier === Tier.FRONTIER)).reduce((a, x) => a + x.requests, 0n);
    expect(frontier).toBe(3n);
    const starts = report!.buckets.map((b) => Number(b.startTime!.seconds));
    expect(starts.every((s, i) => i === 0 || s - starts[i - 1]! === 3600)).toBe(true);
    const daily = await admin.getUsageReport({ endpoint: "/report", lookback: { seconds: 3n * 86400n }, bucketWidth: { seconds: 86400n } });
    expect(daily.report!.bucketWidth).toMatchObject({ seconds: 86400n });
    expect(daily.report!.buckets.reduce((a, b) => a + b.requests, 0n)).toBe(4n);
    expect((await codeOf(admin.getUsageReport({ bucketWidth: { seconds: 90n } })))[1]).toBe("bucket_width: must be a whole number of hours, at most 7 days");
    expect((await codeOf(admin.getUsageReport({ lookback: { seconds: 3650n * 86400n }, bucketWidth: { seconds: 3600n } })))[0]).toBe(Code.InvalidArgument);
  });

  it("answers the report in Connect JSON with int64 money as strings", async () => {
    const res = await fetch(`${t.tierd.url}/tierd.v1.AdminService/GetUsageReport`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lookback: "3600s", endpoint: "/report" }),
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { report: { totals: { costPicoUsd: string; requests: string } } };
    expect(json.report.totals.requests).toBe("4");
    expect(json.report.totals.costPicoUsd).toMatch(/^\d+$/);
  });

  it("rejects an impossible report window or limit with InvalidArgument", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    expect((await codeOf(admin.getUsageReport({ startTime: { seconds: now }, endTime: { seconds: now - 10n } })))[1]).toBe("start_time: must be before end_time");
    expect((await codeOf(admin.getUsageReport({ topEndpoints: 101 })))[0]).toBe(Code.InvalidArgument);
    expect((await codeOf(admin.getUsageReport({ maxFrontierShare: 1.5 })))[1]).toBe("max_frontier_share: must be in [0, 1]");
    expect((await codeOf(admin.getUsageReport({ lookback: { seconds: -5n } })))[1]).toBe("lookback: must be positive");
  });
});

describe("AdminService with the ledger off", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ yaml: baseConfigYaml("{{FAKE}}").replace('database_url: "sqlite::memory:"', "enabled: false") });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("routes as usual and answers admin calls with FailedPrecondition", async () => {
    const res = await t.grpc.route({ messages: ask("hi"), tierOverride: Tier.NANO });
    expect(res.content).not.toBe("");
    expect(t.tierd.usage).toBeUndefined();
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: t.tierd.url, httpVersion: "2" }));
    const [code, message] = await codeOf(admin.getUsageReport({}));
    expect(code).toBe(Code.FailedPrecondition);
    expect(message).toContain("usage.enabled: false");
  });
});

describe("AdminService in shadow mode", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({ extraYaml: "mode: shadow\nshadow_tier: frontier\n" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("reports what the router would have chosen and what that would have saved", async () => {
    const served = [];
    for (let i = 0; i < 3; i++) served.push(await t.grpc.route({ messages: ask(`q${i}`), tierOverride: Tier.NANO, endpoint: "/shadow" }));
    expect(served.every((r) => r.tier === Tier.FRONTIER)).toBe(true);
    const admin = createClient(AdminService, createGrpcTransport({ baseUrl: t.tierd.url }));
    const { report } = await admin.getUsageReport({ endpoint: "/shadow" });
    const actual = served.reduce((a, r) => a + r.costPicoUsd, 0n);
    expect(report?.shadow?.requests).toBe(3n);
    expect(report?.shadow?.distribution.map((d) => [d.tier, d.requests])).toEqual([
      [Tier.NANO, 3n],
      [Tier.MID, 0n],
      [Tier.FRONTIER, 0n],
    ]);
    expect(report?.shadow?.actualPicoUsd).toBe(actual);
    // The same tokens on gpt-4o-mini instead of opus: a saving.
    expect(report?.shadow?.wouldCostPicoUsd).toBeLessThan(actual);
    expect(report?.shadow?.savingsPicoUsd).toBe(actual - report!.shadow!.wouldCostPicoUsd);
  });
});
