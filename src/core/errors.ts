// Errors are values with codes. The core raises TierdError with a code from
// the gRPC vocabulary; the server maps the code to a ConnectError exactly once
// (src/server/errors.ts), so nothing reaches a client as a bare Internal.
import type { Attempt, Usage } from "./types.js";

export type ErrorCode =
  | "canceled"
  | "invalid_argument"
  | "deadline_exceeded"
  | "not_found"
  | "permission_denied"
  | "resource_exhausted"
  | "failed_precondition"
  | "unimplemented"
  | "internal"
  | "unavailable"
  | "unauthenticated"
  | "already_exists";

export interface TierdErrorOptions {
  /** Field path of the request that is at fault, for invalid_argument. */
  field?: string;
  /** Seconds after which a retry may succeed, for resource_exhausted/unavailable. */
  retryAfterSeconds?: number;
  /** Structured facts for the error details (kept free of secrets). */
  details?: Record<string, unknown>;
  /** Upstream attempts made before the failure, for the ledger and the caller. */
  attempts?: Attempt[];
  /** Set when a stream failed after content reached the caller. */
  streamFailure?: StreamFailureInfo;
  /** The caller limit that refused the request, for resource_exhausted. */
  limit?: LimitFacts;
  cause?: unknown;
}

/** A caller limit (rate limit or budget) that refused a request. */
export interface LimitFacts {
  kind: "requests_per_minute" | "tokens_per_minute" | "budget_day" | "budget_month";
  /** The limit's name in the configuration. */
  name: string;
  /** Requests or tokens per minute, or pico-USD per budget window. */
  limit: bigint;
  /** Budgets: when the window ends (epoch ms). */
  resetsAtMs?: number;
}

/** How much of a stream was delivered before it failed, and what it cost. */
export interface StreamFailureInfo {
  deliveredDeltas: number;
  deliveredChars: number;
  deliveredTokens: number;
  usage: Usage;
  costPicoUsd: bigint;
  requestId: string;
}

export class TierdError extends Error {
  override readonly name = "TierdError";
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly attempts: Attempt[] | undefined;
  readonly limit: LimitFacts | undefined;
  streamFailure: StreamFailureInfo | undefined;

  constructor(code: ErrorCode, message: string, options: TierdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
    this.attempts = options.attempts;
    this.streamFailure = options.streamFailure;
    this.limit = options.limit;
  }
}

export function invalidArgument(field: string, message: string): TierdError {
  return new TierdError("invalid_argument", `${field}: ${message}`, { field });
}

export function isTierdError(value: unknown): value is TierdError {
  return value instanceof TierdError;
}

/**
 * The reason a server stop gives to the calls it cuts short (the abort
 * reason of their signal): UNAVAILABLE, which clients retry elsewhere, not
 * CANCELED, which says the caller gave up.
 */
export function serverStopping(graceMs: number): TierdError {
  return new TierdError("unavailable", `tierd is shutting down: the call outlived the ${graceMs} ms grace period; retry it (on another replica)`);
}

/** The TierdError a call's signal was aborted with (a server stop), if any; a caller's own cancel has none. */
export function abortReasonOf(signal: AbortSignal): TierdError | undefined {
  return signal.aborted && isTierdError(signal.reason) ? signal.reason : undefined;
}
