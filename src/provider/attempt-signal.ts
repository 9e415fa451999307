// The lifetime of one upstream attempt: the abort signal handed to the SDK
// (the caller's cancel, the caller's deadline, the attempt's own request and
// first-token timeouts), and, once it ended, which of those ended it.
import type { CallContext } from "../core/types.js";
import { ErrorClass } from "../core/types.js";
import { AttemptTimeoutError, classifyUpstreamError, type UpstreamFailure } from "./upstream-error.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface AttemptSignal {
  signal: AbortSignal;
  /** Which timer fired, if any. */
  timedOut(): "request" | "ttft" | "deadline" | undefined;
  /** The first content token arrived: the first-token timer stops. */
  firstToken(): void;
  /** A stream chunk arrived: the request timer starts over (streams time out on silence, not length). */
  progress(): void;
  /**
   * Stops the timers and aborts the upstream request if it may still be
   * open. `answered`: the upstream answer was read to its end, so there is
   * nothing to abort (an abort there costs two DOMExceptions with stack
   * traces and a cascade of abort events through the SDK, per request).
   */
  dispose(answered?: boolean): void;
}

export interface AttemptTimeouts {
  /** Unary: the whole answer. Streams: the longest silence, restarted by `progress()`. */
  timeoutMs: number;
  ttftMs?: number;
  /** Epoch ms now (deadlines are wall-clock). */
  now: number;
}

/**
 * Each attempt gets at most its own timeout and what the caller's deadline
 * leaves, so a hung deployment cannot eat the whole budget unless the
 * budget is smaller than one attempt.
 */
export function attemptSignal(ctx: CallContext, { timeoutMs, ttftMs, now }: AttemptTimeouts): AttemptSignal {
  const controller = new AbortController();
  let fired: "request" | "ttft" | "deadline" | undefined;
  const fire = (which: "request" | "ttft" | "deadline", message: string) => () => {
    fired ??= which;
    controller.abort(new AttemptTimeoutError(message));
  };
  const remaining = ctx.deadlineAt === undefined ? Infinity : Math.max(0, ctx.deadlineAt - now);
  // Node's timers hold at most 2^31-1 ms (about 24.8 days): a longer wait is
  // as good as none.
  const deadlineTimer = remaining <= MAX_TIMER_MS ? setTimeout(fire("deadline", "caller deadline passed"), remaining) : undefined;
  const requestTimer = setTimeout(fire("request", `attempt timed out after ${timeoutMs} ms`), Math.min(timeoutMs, MAX_TIMER_MS));
  let ttftTimer = ttftMs === undefined ? undefined : setTimeout(fire("ttft", `no first token within ${ttftMs} ms`), ttftMs);
  const onCallerAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    firstToken() {
      if (ttftTimer !== undefined) clearTimeout(ttftTimer);
      ttftTimer = undefined;
    },
    progress() {
      requestTimer.refresh();
    },
    dispose(answered = false) {
      if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
      clearTimeout(requestTimer);
      if (ttftTimer !== undefined) clearTimeout(ttftTimer);
      ctx.signal.removeEventListener("abort", onCallerAbort);
      if (!answered && !controller.signal.aborted) controller.abort();
    },
  };
}

/** Why an attempt failed: the caller's cancel or deadline win over whatever the SDK threw as a result. */
export function failureOf(err: unknown, attempt: AttemptSignal, ctx: CallContext, secrets: readonly string[], midStream = false): UpstreamFailure {
  const which = attempt.timedOut();
  if (which === "deadline") return { errorClass: ErrorClass.DEADLINE, httpStatus: 0, detail: "caller deadline passed" };
  if (ctx.signal.aborted) {
    return deadlinePassed(ctx)
      ? { errorClass: ErrorClass.DEADLINE, httpStatus: 0, detail: "caller deadline passed" }
      : { errorClass: ErrorClass.CANCELED, httpStatus: 0, detail: "caller cancelled" };
  }
  if (which === "ttft") {
    // A deployment too slow to start a stream is likely slow again: the
    // caller is waiting, so the next deployment gets the next try.
    return { errorClass: ErrorClass.TIMEOUT, httpStatus: 0, detail: "no first token in time", retryable: false };
  }
  if (which === "request") return { errorClass: ErrorClass.TIMEOUT, httpStatus: 0, detail: midStream ? "stream went silent" : "attempt timed out" };
  return classifyUpstreamError(err, secrets, midStream);
}

/** A millisecond of slack: timers may fire a hair before the deadline they were set for. */
export function deadlinePassed(ctx: CallContext, now = Date.now()): boolean {
  return ctx.deadlineAt !== undefined && now >= ctx.deadlineAt - 1;
}

/** Sleeps `ms`, or less if the caller goes away first (resolves false then). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
