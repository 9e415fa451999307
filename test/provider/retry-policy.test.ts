import { describe, expect, it } from "vitest";
import { retrySchema } from "../../src/config/index.js";
import { ErrorClass } from "../../src/core/types.js";
import { backoffDelayMs, decideRetry, isRetryable, parseRetryAfter } from "../../src/provider/index.js";

const config = retrySchema.parse({ max_retries: 2, base_delay_ms: 100, max_delay_ms: 1000, max_retry_after_ms: 5000 });
const facts = (over: Partial<Parameters<typeof decideRetry>[0]> = {}) => ({
  errorClass: ErrorClass.SERVER_ERROR,
  httpStatus: 503,
  retriesSoFar: 0,
  remainingMs: Infinity,
  ...over,
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  it("reads delta-seconds, fractional seconds and retry-after-ms", () => {
    expect(parseRetryAfter("3", null, now)).toBe(3000);
    expect(parseRetryAfter(" 0.25 ", null, now)).toBe(250);
    expect(parseRetryAfter("3", "1200", now)).toBe(1200);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter("Fri, 27 Nov 2026 12:00:07 GMT", null, now)).toBe(7000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 11:59:00 GMT", null, now)).toBe(0);
  });
  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(null, null, now)).toBeUndefined();
    expect(parseRetryAfter("", "", now)).toBeUndefined();
    expect(parseRetryAfter("soon", "-5", now)).toBeUndefined();
  });
});

describe("backoffDelayMs (full jitter)", () => {
  it("stays under a ceiling that doubles per retry up to max_delay_ms", () => {
    expect(backoffDelayMs(1, config, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, config, () => 0.999)).toBe(199);
    expect(backoffDelayMs(3, config, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, config, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, config, () => 0)).toBe(0);
  });
  it("spreads delays uniformly over [0, ceiling)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const samples = Array.from({ length: 2000 }, () => backoffDelayMs(4, config, random));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(Math.max(...samples)).toBeLessThan(800);
    expect(mean).toBeGreaterThan(350);
    expect(mean).toBeLessThan(450);
  });
});

describe("decideRetry", () => {
  it("retries retryable classes with backoff until max_retries", () => {
    expect(decideRetry(facts(), config, () => 0.5)).toEqual({ retry: true, delayMs: 50, reason: "backoff" });
    expect(decideRetry(facts({ retriesSoFar: 1 }), config, () => 0.5)).toEqual({ retry: true, delayMs: 100, reason: "backoff" });
    expect(decideRetry(facts({ retriesSoFar: 2 }), config, () => 0.5)).toMatchObject({ retry: false, reason: "retries exhausted (2)" });
  });
  it("does not retry the caller's faults, credentials or missing models", () => {
    for (const errorClass of [ErrorClass.BAD_REQUEST, ErrorClass.CONTEXT_LENGTH, ErrorClass.UPSTREAM_AUTH, ErrorClass.NOT_FOUND, ErrorClass.CANCELED, ErrorClass.DEADLINE]) {
      expect(decideRetry(facts({ errorClass, httpStatus: 400 }), config, () => 0.5).retry).toBe(false);
    }
  });
  it("retries 500-504, connection, timeout, truncated and malformed answers, not 505", () => {
    for (const status of [500, 501, 502, 503, 504]) expect(isRetryable(ErrorClass.SERVER_ERROR, status)).toBe(true);
    expect(isRetryable(ErrorClass.SERVER_ERROR, 505)).toBe(false);
    for (const c of [ErrorClass.RATE_LIMITED, ErrorClass.CONNECTION, ErrorClass.TIMEOUT, ErrorClass.TRUNCATED_STREAM, ErrorClass.MALFORMED_RESPONSE]) {
      expect(isRetryable(c, 0)).toBe(true);
    }
  });
  it("waits exactly the Retry-After when it is short enough", () => {
    expect(decideRetry(facts({ errorClass: ErrorClass.RATE_LIMITED, httpStatus: 429, retryAfterMs: 1500 }), config, () => 0)).toEqual({
      retry: true,
      delayMs: 1500,
      reason: "retry-after",
    });
  });
  it("moves on, holding the deployment, when Retry-After exceeds the cap or the deadline", () => {
    const capped = decideRetry(facts({ errorClass: ErrorClass.RATE_LIMITED, httpStatus: 429, retryAfterMs: 30_000 }), config, () => 0);
    expect(capped).toMatchObject({ retry: false, holdMs: 30_000 });
    const deadline = decideRetry(facts({ errorClass: ErrorClass.RATE_LIMITED, httpStatus: 429, retryAfterMs: 2000, remainingMs: 1500 }), config, () => 0);
    expect(deadline).toMatchObject({ retry: false, holdMs: 2000 });
    expect(deadline.reason).toMatch(/deadline/);
  });
  it("moves on when the failure itself rules out another try (first-token timeout)", () => {
    expect(decideRetry(facts({ errorClass: ErrorClass.TIMEOUT, httpStatus: 0, retryable: false }), config, () => 0.5)).toEqual({ retry: false, reason: "not retryable" });
  });
  it("never sleeps a backoff past the deadline", () => {
    expect(decideRetry(facts({ remainingMs: 40 }), config, () => 0.9)).toMatchObject({ retry: false, reason: "backoff would outlast the deadline" });
  });
});
