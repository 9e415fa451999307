// When to call the same deployment again, and after how long. Pure
// functions over numbers, so the arithmetic is tested without a network.
//
// Defaults (config/schema.ts `retry:`) are shorter than the openai SDK's own
// (0.5 s doubling to 8 s, client.mjs calculateDefaultRetryTimeoutMillis):
// a router has other deployments to move on to, and moving on usually beats
// waiting on one that is struggling.
import type { RetryConfig } from "../config/index.js";
import { ErrorClass } from "../core/types.js";

/**
 * Errors worth a second try on the same deployment: the upstream may answer
 * next time. 429 and 500-504 (HTTP semantics, RFC 9110 15.5.20 and 15.6),
 * connection failures, our own timeouts, and answers cut short or garbled.
 */
export function isRetryable(errorClass: ErrorClass, httpStatus: number): boolean {
  switch (errorClass) {
    case ErrorClass.RATE_LIMITED:
    case ErrorClass.CONNECTION:
    case ErrorClass.TIMEOUT:
    case ErrorClass.TRUNCATED_STREAM:
    case ErrorClass.MALFORMED_RESPONSE:
      return true;
    case ErrorClass.SERVER_ERROR:
      // 505 and above (version not supported, loop detected...) will not heal
      // by themselves; 0 is an error event inside an otherwise good stream.
      return httpStatus === 0 || (httpStatus >= 500 && httpStatus <= 504);
    default:
      return false;
  }
}

/**
 * The backoff before retry number `retry` (1 for the first retry): "full
 * jitter", uniform in [0, min(max, base * 2^(retry-1))). Full jitter spreads
 * simultaneous retries best for the least total work (AWS Architecture
 * Blog, "Exponential Backoff And Jitter", 2015).
 */
export function backoffDelayMs(retry: number, config: Pick<RetryConfig, "base_delay_ms" | "max_delay_ms">, random: () => number): number {
  const ceiling = Math.min(config.max_delay_ms, config.base_delay_ms * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After is seconds or an HTTP date (RFC 9110 10.2.3); retry-after-ms is OpenAI's. */
export function parseRetryAfter(header: string | null, msHeader: string | null = null, now = Date.now()): number | undefined {
  if (msHeader !== null && /^\d+(\.\d+)?$/.test(msHeader.trim())) return Number(msHeader.trim());
  if (header === null || header.trim() === "") return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: "retry-after" | "backoff" }
  | { retry: false; reason: string; /** Set when the upstream asked for a pause: keep the deployment out that long. */ holdMs?: number };

export interface RetryFacts {
  /** False when the failure itself says another try of this deployment is pointless. */
  retryable?: false;
  errorClass: ErrorClass;
  httpStatus: number;
  retryAfterMs?: number;
  /** Retries already made on this deployment for this request. */
  retriesSoFar: number;
  /** What the caller's deadline leaves, in ms; Infinity without a deadline. */
  remainingMs: number;
}

/** Whether to call the same deployment again, and when. */
export function decideRetry(facts: RetryFacts, config: RetryConfig, random: () => number): RetryDecision {
  if (facts.retryable === false || !isRetryable(facts.errorClass, facts.httpStatus)) return { retry: false, reason: "not retryable" };
  if (facts.retriesSoFar >= config.max_retries) return { retry: false, reason: `retries exhausted (${config.max_retries})` };
  if (facts.retryAfterMs !== undefined) {
    const wait = Math.ceil(facts.retryAfterMs);
    if (wait > config.max_retry_after_ms) {
      return { retry: false, reason: `Retry-After ${wait} ms exceeds max_retry_after_ms ${config.max_retry_after_ms}`, holdMs: wait };
    }
    // Waiting the whole remaining budget would leave nothing for the call.
    if (wait >= facts.remainingMs) {
      return { retry: false, reason: `Retry-After ${wait} ms exceeds what the deadline leaves (${Math.floor(facts.remainingMs)} ms)`, holdMs: wait };
    }
    return { retry: true, delayMs: wait, reason: "retry-after" };
  }
  const delayMs = backoffDelayMs(facts.retriesSoFar + 1, config, random);
  if (delayMs >= facts.remainingMs) return { retry: false, reason: "backoff would outlast the deadline" };
  return { retry: true, delayMs, reason: "backoff" };
}
