// The benchmark's own arithmetic and parsers: a wrong percentile or a
// misread h2load line would publish wrong numbers without any error.
import { describe, expect, it } from "vitest";
import { connectionsFor, parseBashTimes, parseH2loadLog, parseH2loadSummary } from "../../bench/lib/h2load.js";
import { formatSpread, summarizeUnary, throughputRatio, type UnarySample } from "../../bench/lib/report.js";
import { percentile, spreadOf, summarizeLatencies } from "../../bench/lib/stats.js";
import { packageOf } from "../../bench/profile-summary.js";

describe("stats", () => {
  it("takes nearest-rank percentiles", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("summarizes unsorted samples", () => {
    const s = summarizeLatencies([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, p50: 3, max: 5, mean: 3 });
  });

  it("gives the median and range of repetitions, leaving out runs that measured nothing", () => {
    expect(spreadOf([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spreadOf([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spreadOf([Number.NaN, 5])).toEqual({ median: 5, min: 5, max: 5 });
  });
});

describe("h2load output", () => {
  it("reads per-request durations from the log, skipping requests cut off by the window", () => {
    const log = "1700000000000000\t200\t1500\n1700000000001000\t0\t900\n1700000000002000\t503\t700\n1700000000003000\t200\t2500\n";
    expect(parseH2loadLog(log)).toEqual({ latenciesMs: [1.5, 2.5], non2xx: 1 });
  });

  it("counts failed, errored and timed-out requests as failures", () => {
    const out = "requests: 120 total, 121 started, 120 done, 110 succeeded, 6 failed, 3 errored, 1 timeout\nstatus codes: 110 2xx";
    expect(parseH2loadSummary(out)).toEqual({ total: 120, succeeded: 110, failed: 10 });
    expect(() => parseH2loadSummary("connection refused")).toThrow(/unexpected h2load output/);
  });

  it("reads h2load's own CPU time from bash's times", () => {
    expect(parseBashTimes("warning\n0m0.010s 0m0.002s\n1m2.500s 0m0.250s\n")).toBeCloseTo(62.75);
    expect(parseBashTimes("nothing")).toBeNaN();
  });

  it("spreads HTTP/2 concurrency over connections of at most 16 streams", () => {
    expect(connectionsFor(1, false)).toEqual({ clients: 1, streams: 1 });
    expect(connectionsFor(16, false)).toEqual({ clients: 1, streams: 16 });
    expect(connectionsFor(64, false)).toEqual({ clients: 4, streams: 16 });
    expect(connectionsFor(64, true)).toEqual({ clients: 64, streams: 1 });
  });
});

describe("report", () => {
  const sample = (caseId: string, rep: number, p50Ms: number, requestsPerSecond: number): UnarySample => ({
    set: "s",
    caseId,
    concurrency: 1,
    rep,
    requestsPerSecond,
    p50Ms,
    p99Ms: p50Ms * 2,
    meanMs: p50Ms,
    failed: 0,
    cpuPct: { tierd: 50 },
    cpuUsPerRequest: 100,
  });
  const samples = [sample("direct", 1, 0.1, 1000), sample("tierd", 1, 0.4, 500), sample("direct", 2, 0.2, 900), sample("tierd", 2, 0.3, 450), sample("direct", 3, 0.1, 1000), sample("tierd", 3, 0.6, 100)];
  const cases = [
    { id: "direct", label: "direct" },
    { id: "tierd", label: "tierd", baseline: "direct" },
  ];

  it("pairs each repetition with its own baseline run for the added latency", () => {
    const tierd = summarizeUnary(samples, cases).find((s) => s.label === "tierd")!;
    // Differences per repetition: 0.3, 0.1, 0.5.
    expect(tierd.overheadP50Ms).toEqual({ median: 0.3, min: 0.1, max: 0.5 });
    expect(tierd.p50Ms).toEqual({ median: 0.4, min: 0.3, max: 0.6 });
    expect(summarizeUnary(samples, cases).find((s) => s.label === "direct")!.overheadP50Ms).toBeUndefined();
  });

  it("takes throughput ratios per repetition", () => {
    expect(throughputRatio(samples, "tierd", "direct", 1)).toEqual({ median: 0.5, min: 0.1, max: 0.5 });
  });

  it("formats a spread with its range only when repetitions differ", () => {
    expect(formatSpread({ median: 1.5, min: 1.5, max: 1.5 })).toBe("1.50");
    expect(formatSpread({ median: 1.5, min: 1, max: 2 })).toBe("1.50 (1.00 to 2.00)");
    expect(formatSpread(undefined)).toBe("-");
  });
});

describe("profile summary", () => {
  it("attributes scripts to tierd's modules, npm packages and Node", () => {
    expect(packageOf("file:///repo/src/router/router.ts", "route")).toBe("tierd:src/router");
    expect(packageOf("file:///repo/node_modules/@connectrpc/connect/dist/esm/x.js", "f")).toBe("npm:@connectrpc/connect");
    expect(packageOf("file:///repo/node_modules/undici/lib/a.js", "f")).toBe("npm:undici");
    expect(packageOf("node:internal/http2/core", "f")).toBe("node");
    expect(packageOf("", "(garbage collector)")).toBe("(garbage collector)");
  });
});
