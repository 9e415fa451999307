// An attempt's abort signal: aborted when the attempt may still hold an open
// upstream request, left alone when its answer was read to the end.
import { describe, expect, it } from "vitest";
import { attemptSignal } from "../../src/provider/attempt-signal.js";

const ctx = () => ({ signal: new AbortController().signal });

describe("attemptSignal", () => {
  it("aborts the upstream request on dispose when the answer may still be open", () => {
    const attempt = attemptSignal(ctx(), { timeoutMs: 60_000, now: Date.now() });
    attempt.dispose();
    expect(attempt.signal.aborted).toBe(true);
  });

  it("does not abort an attempt whose answer was read to the end", () => {
    const attempt = attemptSignal(ctx(), { timeoutMs: 60_000, now: Date.now() });
    attempt.dispose(true);
    expect(attempt.signal.aborted).toBe(false);
  });

  it("stops its timers on dispose either way", async () => {
    const attempt = attemptSignal(ctx(), { timeoutMs: 20, ttftMs: 20, now: Date.now() });
    attempt.dispose(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempt.signal.aborted).toBe(false);
    expect(attempt.timedOut()).toBeUndefined();
  });

  it("follows the caller's cancel until disposed, and no longer after", () => {
    const caller = new AbortController();
    const live = attemptSignal({ signal: caller.signal }, { timeoutMs: 60_000, now: Date.now() });
    const done = attemptSignal({ signal: caller.signal }, { timeoutMs: 60_000, now: Date.now() });
    done.dispose(true);
    caller.abort();
    expect(live.signal.aborted).toBe(true);
    expect(done.signal.aborted).toBe(false);
    live.dispose();
  });
});
