import { describe, expect, it } from "vitest";
import { ErrorClass } from "../../src/core/types.js";
import { countsTowardCooldown, createCooldownTracker } from "../../src/provider/index.js";

function tracker() {
  let now = 1_000;
  const t = createCooldownTracker({ config: { failure_threshold: 3, window_ms: 10_000, cooldown_ms: 5_000 }, clock: () => now });
  return { t, advance: (ms: number) => (now += ms) };
}

describe("cooldown tracker", () => {
  it("opens after N failures within the window and skips without a call", () => {
    const { t, advance } = tracker();
    t.failure("a", ErrorClass.SERVER_ERROR, false);
    t.failure("a", ErrorClass.SERVER_ERROR, false);
    expect(t.admit("a")).toEqual({ allowed: true, probe: false });
    advance(1_000);
    t.failure("a", ErrorClass.RATE_LIMITED, false);
    expect(t.admit("a")).toEqual({ allowed: false, reason: ErrorClass.RATE_LIMITED, remainingMs: 5_000 });
    expect(t.admit("b")).toEqual({ allowed: true, probe: false });
    advance(4_999);
    expect(t.admit("a")).toMatchObject({ allowed: false, remainingMs: 1 });
  });

  it("forgets failures older than the window, and any failures after a success", () => {
    const { t, advance } = tracker();
    t.failure("a", ErrorClass.TIMEOUT, false);
    t.failure("a", ErrorClass.TIMEOUT, false);
    advance(10_000);
    t.failure("a", ErrorClass.TIMEOUT, false);
    expect(t.isClosed("a")).toBe(true);
    t.failure("a", ErrorClass.TIMEOUT, false);
    t.success("a", false);
    t.failure("a", ErrorClass.TIMEOUT, false);
    expect(t.isClosed("a")).toBe(true);
  });

  it("is half-open after the cooldown with exactly one probe in flight", () => {
    const { t, advance } = tracker();
    t.trip("a", ErrorClass.CONNECTION);
    advance(5_000);
    expect(t.admit("a")).toEqual({ allowed: true, probe: true });
    expect(t.admit("a")).toEqual({ allowed: false, reason: ErrorClass.CONNECTION, remainingMs: 0 });
    expect(t.admit("a")).toMatchObject({ allowed: false });
    t.success("a", true);
    expect(t.admit("a")).toEqual({ allowed: true, probe: false });
    expect(t.isClosed("a")).toBe(true);
  });

  it("reopens for a full cooldown when the probe fails", () => {
    const { t, advance } = tracker();
    t.trip("a", ErrorClass.SERVER_ERROR);
    advance(5_000);
    expect(t.admit("a")).toMatchObject({ allowed: true, probe: true });
    advance(300);
    t.failure("a", ErrorClass.SERVER_ERROR, true);
    expect(t.admit("a")).toEqual({ allowed: false, reason: ErrorClass.SERVER_ERROR, remainingMs: 5_000 });
  });

  it("gives the probe slot back when the probe ends with no verdict", () => {
    const { t, advance } = tracker();
    t.trip("a", ErrorClass.SERVER_ERROR);
    advance(5_000);
    expect(t.admit("a")).toMatchObject({ allowed: true, probe: true });
    t.release("a", true);
    expect(t.admit("a")).toMatchObject({ allowed: true, probe: true });
  });

  it("lets only the probe close an open breaker, not a call admitted before it opened", () => {
    const { t } = tracker();
    t.trip("a", ErrorClass.UPSTREAM_AUTH);
    t.success("a", false);
    expect(t.admit("a")).toMatchObject({ allowed: false, reason: ErrorClass.UPSTREAM_AUTH });
  });

  it("holds for a given duration without shortening a longer cooldown", () => {
    const { t, advance } = tracker();
    t.trip("a", ErrorClass.RATE_LIMITED, 2_000);
    expect(t.admit("a")).toMatchObject({ remainingMs: 2_000 });
    t.trip("a", ErrorClass.RATE_LIMITED, 500);
    expect(t.admit("a")).toMatchObject({ remainingMs: 2_000 });
    advance(2_000);
    expect(t.admit("a")).toMatchObject({ allowed: true, probe: true });
  });

  it("counts deployment faults, never the caller's", () => {
    for (const c of [ErrorClass.RATE_LIMITED, ErrorClass.SERVER_ERROR, ErrorClass.CONNECTION, ErrorClass.TIMEOUT, ErrorClass.TRUNCATED_STREAM, ErrorClass.MALFORMED_RESPONSE, ErrorClass.UPSTREAM_AUTH]) {
      expect(countsTowardCooldown(c)).toBe(true);
    }
    for (const c of [ErrorClass.BAD_REQUEST, ErrorClass.CONTEXT_LENGTH, ErrorClass.NOT_FOUND, ErrorClass.CANCELED, ErrorClass.DEADLINE, ErrorClass.UNSUITABLE]) {
      expect(countsTowardCooldown(c)).toBe(false);
    }
  });
});
