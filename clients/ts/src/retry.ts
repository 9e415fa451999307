// Retries that cannot do harm. Only unary methods the proto declares free of
// side effects or idempotent (Classify: `idempotency_level = IDEMPOTENT`)
// are retried, and Route when it carries a request_id the caller chose: the
// server then answers a retry of a request that already succeeded with the
// stored answer (RouteResponse.replayed) instead of billing it twice. Only
// codes that mean "try again later" are retried. Without a request_id a
// retried Route would be billed twice, and a stream may already have
// delivered content, so those stay the caller's decision (see isRetryable
// and retryAfterMs, and resend with the same request_id).
//
// The call's deadline covers every attempt: a retry is only made when its
// wait ends before the deadline, and each attempt tells the server how much
// time is left, not the original budget.
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

export interface RetryOptions {
  /** Attempts in total, the first included. Default 3; 1 means no retry. */
  maxAttempts?: number;
  /** Backoff before the first retry, in ms; doubles per retry. Default 100. */
  initialBackoffMs?: number;
  /** Upper bound of one backoff, in ms. Default 2000. */
  maxBackoffMs?: number;
}

// The defaults follow gRPC's retry design (A6: exponential backoff with
// jitter, a few attempts, the deadline spanning all of them):
// https://github.com/grpc/proposal/blob/master/A6-client-retries.md
const DEFAULT_RETRY = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 2_000 };

/**
 * Whether an error is worth retrying: UNAVAILABLE (every upstream failed,
 * or tierd could not be reached), and RESOURCE_EXHAUSTED when the server
 * sent a retry-after hint (an upstream rate limit). RESOURCE_EXHAUSTED
 * without a hint is a size limit or quota that waiting does not fix.
 */
export function isRetryable(error: unknown): boolean {
  const err = ConnectError.from(error);
  if (err.code === Code.Unavailable) return true;
  return err.code === Code.ResourceExhausted && retryAfterMs(err) !== undefined;
}

/** The server's retry-after hint of an error, in ms, when it sent one. */
export function retryAfterMs(error: unknown): number | undefined {
  const raw = ConnectError.from(error).metadata.get("retry-after");
  if (raw === null || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function retryInterceptor(options: RetryOptions): Interceptor {
  const maxAttempts = options.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  const initialBackoffMs = options.initialBackoffMs ?? DEFAULT_RETRY.initialBackoffMs;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_RETRY.maxBackoffMs;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`@tierd/client: retry.maxAttempts must be an integer >= 1, got ${String(options.maxAttempts)}`);
  }
  if (!(initialBackoffMs >= 0) || !(maxBackoffMs >= initialBackoffMs)) {
    throw new TypeError("@tierd/client: retry backoffs must satisfy 0 <= initialBackoffMs <= maxBackoffMs");
  }
  return (next) => async (req) => {
    if (req.stream || maxAttempts === 1 || !(isSafeToRepeat(req.method.idempotency) || hasRequestId(req.method.name, req.message))) return next(req);
    const deadline = deadlineOf(req.header);
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (error) {
        if (attempt >= maxAttempts || req.signal.aborted || !isRetryable(error)) throw error;
        // Full jitter keeps many callers that failed together from retrying
        // together.
        const wait = retryAfterMs(error) ?? Math.random() * Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
        if (deadline !== undefined && Date.now() + wait >= deadline) throw error;
        if (!(await sleep(wait, req.signal))) throw error;
        if (deadline !== undefined) setRemainingTimeout(req.header, deadline - Date.now());
      }
    }
  };
}

/** A Route with a caller-chosen request_id is idempotent on the server (see RouteRequest.request_id). */
function hasRequestId(method: string, message: unknown): boolean {
  if (method !== "Route" || message === null || typeof message !== "object") return false;
  const id = (message as { requestId?: unknown }).requestId;
  return typeof id === "string" && id !== "";
}

function isSafeToRepeat(level: MethodOptions_IdempotencyLevel): boolean {
  return level === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS || level === MethodOptions_IdempotencyLevel.IDEMPOTENT;
}

const GRPC_TIMEOUT = "grpc-timeout";
const CONNECT_TIMEOUT = "connect-timeout-ms";
const GRPC_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/** The absolute deadline the transport wrote into the request headers. */
function deadlineOf(header: Headers): number | undefined {
  const grpc = header.get(GRPC_TIMEOUT);
  if (grpc !== null) {
    const match = /^(\d{1,8})([HMSmun])$/.exec(grpc);
    return match ? Date.now() + Number(match[1]) * GRPC_UNIT_MS[match[2]!]! : undefined;
  }
  const connect = header.get(CONNECT_TIMEOUT);
  return connect !== null && /^\d{1,10}$/.test(connect) ? Date.now() + Number(connect) : undefined;
}

function setRemainingTimeout(header: Headers, remainingMs: number): void {
  const ms = Math.max(1, Math.floor(remainingMs));
  if (header.has(GRPC_TIMEOUT)) header.set(GRPC_TIMEOUT, `${ms}m`);
  if (header.has(CONNECT_TIMEOUT)) header.set(CONNECT_TIMEOUT, String(ms));
}

/** Resolves true after `ms`, false as soon as the call is aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
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
