import { describe, expect, it } from "vitest";
import { createResourceStack } from "../../src/core/resource-stack.js";

describe("resource stack", () => {
  it("closes in reverse order of opening, passing the grace period, once", async () => {
    const stack = createResourceStack();
    const closed: string[] = [];
    for (const name of ["demo", "telemetry", "provider", "ledger"]) stack.push(name, async (graceMs) => void closed.push(`${name}:${graceMs}`));
    expect(stack.names()).toEqual(["ledger", "provider", "telemetry", "demo"]);
    await stack.closeAll(5_000);
    expect(closed).toEqual(["ledger:5000", "provider:5000", "telemetry:5000", "demo:5000"]);
    await stack.closeAll(5_000);
    expect(closed).toHaveLength(4);
  });

  it("reports a close that fails and still closes the rest", async () => {
    const stack = createResourceStack();
    const closed: string[] = [];
    const failed: string[] = [];
    stack.push("a", async () => void closed.push("a"));
    stack.push("b", () => Promise.reject(new Error("stuck")));
    stack.push("c", async () => void closed.push("c"));
    await stack.closeAll(0, (name, err) => failed.push(`${name}: ${(err as Error).message}`));
    expect(closed).toEqual(["c", "a"]);
    expect(failed).toEqual(["b: stuck"]);
  });
});
