import { describe, expect, it } from "vitest";
import { createLatencyTracker, orderDeployments } from "../../src/provider/index.js";

const deployments = [
  { name: "a", weight: 1 },
  { name: "b", weight: 3 },
  { name: "c", weight: 6 },
];
const names = (list: { name: string }[]) => list.map((d) => d.name);

function seeded(seed: number): () => number {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
}

describe("deployment order", () => {
  it("keeps config order under the ordered strategy", () => {
    expect(names(orderDeployments(deployments, { strategy: "ordered", random: Math.random, latencyOf: () => undefined }))).toEqual(["a", "b", "c"]);
  });

  it("picks first in proportion to weight under the weighted strategy, and lists every deployment", () => {
    const random = seeded(7);
    const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 5000; i++) {
      const order = orderDeployments(deployments, { strategy: "weighted", random, latencyOf: () => undefined });
      expect([...names(order)].sort()).toEqual(["a", "b", "c"]);
      firsts[order[0]!.name]!++;
    }
    expect(firsts.a! / 5000).toBeCloseTo(0.1, 1);
    expect(firsts.b! / 5000).toBeCloseTo(0.3, 1);
    expect(firsts.c! / 5000).toBeCloseTo(0.6, 1);
  });

  it("puts the lowest moving average first, unmeasured deployments before all", () => {
    const latency = createLatencyTracker();
    latency.observe("a", 300);
    latency.observe("b", 100);
    const order = orderDeployments(deployments, { strategy: "least-latency", random: Math.random, latencyOf: (n) => latency.average(n) });
    expect(names(order)).toEqual(["c", "b", "a"]);
  });
});

describe("latency tracker (EWMA, alpha 0.3)", () => {
  it("starts at the first sample and moves 30% towards each new one", () => {
    const latency = createLatencyTracker();
    expect(latency.average("x")).toBeUndefined();
    latency.observe("x", 100);
    expect(latency.average("x")).toBe(100);
    latency.observe("x", 200);
    expect(latency.average("x")).toBeCloseTo(130, 10);
    latency.observe("x", Number.NaN);
    expect(latency.average("x")).toBeCloseTo(130, 10);
  });

  it("follows a deployment that slowed down within a handful of calls", () => {
    const latency = createLatencyTracker();
    for (let i = 0; i < 50; i++) latency.observe("x", 100);
    for (let i = 0; i < 6; i++) latency.observe("x", 1000);
    expect(latency.average("x")!).toBeGreaterThan(850);
  });
});
