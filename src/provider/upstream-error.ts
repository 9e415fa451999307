// One place that turns whatever an upstream call threw into an error class,
// an HTTP status and a short, secret-free description.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { ErrorClass } from "../core/types.js";
import { parseRetryAfter } from "./retry-policy.js";

export interface UpstreamFailure {
  errorClass: ErrorClass;
  httpStatus: number;
  /** From Retry-After (seconds or HTTP date), when the upstream sent one. */
  retryAfterMs?: number;
  /** False: move on to the next deployment without retrying this one, whatever the class. */
  retryable?: false;
  detail: string;
}

const CONTEXT_LENGTH = /context[_ ]length|maximum context|context window|too many tokens|prompt is too long|reduce the length/i;

/** Raised by the stream reader when a stream ends without a finish reason. */
export class TruncatedStreamError extends Error {
  override readonly name = "TruncatedStreamError";
}

/** Raised when the upstream's answer is not a valid completion. */
export class MalformedResponseError extends Error {
  override readonly name = "MalformedResponseError";
}

/** Raised when an attempt's own timer (request or first token) fired. */
export class AttemptTimeoutError extends Error {
  override readonly name = "AttemptTimeoutError";
}

/**
 * `midStream`: the error came while reading a stream body whose headers were
 * fine, so a dropped connection there is a truncated stream.
 */
export function classifyUpstreamError(err: unknown, secrets: readonly string[], midStream = false): UpstreamFailure {
  if (err instanceof AttemptTimeoutError || err instanceof APIConnectionTimeoutError) {
    return { errorClass: ErrorClass.TIMEOUT, httpStatus: 0, detail: redactSecrets(err.message, secrets) };
  }
  if (err instanceof TruncatedStreamError) {
    return { errorClass: ErrorClass.TRUNCATED_STREAM, httpStatus: 200, detail: err.message };
  }
  if (err instanceof MalformedResponseError || err instanceof SyntaxError) {
    return { errorClass: ErrorClass.MALFORMED_RESPONSE, httpStatus: 200, detail: "upstream answer is not a valid completion" };
  }
  if (err instanceof APIUserAbortError) {
    return { errorClass: ErrorClass.CANCELED, httpStatus: 0, detail: "aborted" };
  }
  if (err instanceof APIConnectionError) {
    return { errorClass: midStream ? ErrorClass.TRUNCATED_STREAM : ErrorClass.CONNECTION, httpStatus: 0, detail: redactSecrets(connectionDetail(err), secrets) };
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const status = err.status;
    const message = redactSecrets(upstreamMessage(err), secrets);
    const failure: UpstreamFailure = { errorClass: classOfStatus(status, err), httpStatus: status, detail: `HTTP ${status}: ${message}` };
    const retryAfterMs = parseRetryAfter(err.headers?.get("retry-after") ?? null, err.headers?.get("retry-after-ms") ?? null);
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  if (err instanceof APIError) {
    // An error event inside a 200 stream: the provider failed mid-answer.
    return { errorClass: ErrorClass.SERVER_ERROR, httpStatus: 0, detail: `error event in stream: ${redactSecrets(upstreamMessage(err), secrets)}` };
  }
  if (err instanceof Error && /terminated|socket|ECONNRESET|ECONNREFUSED|other side closed|premature close/i.test(err.message + String((err as { cause?: unknown }).cause ?? ""))) {
    return { errorClass: midStream ? ErrorClass.TRUNCATED_STREAM : ErrorClass.CONNECTION, httpStatus: 0, detail: redactSecrets(err.message, secrets) };
  }
  const text = err instanceof Error ? err.message : String(err);
  return { errorClass: ErrorClass.MALFORMED_RESPONSE, httpStatus: 0, detail: redactSecrets(text, secrets).slice(0, 200) };
}

function classOfStatus(status: number, err: APIError): ErrorClass {
  if (status === 429) return ErrorClass.RATE_LIMITED;
  if (status === 401 || status === 403) return ErrorClass.UPSTREAM_AUTH;
  if (status === 404) return ErrorClass.NOT_FOUND;
  if (status === 408) return ErrorClass.TIMEOUT;
  if (status >= 500) return ErrorClass.SERVER_ERROR;
  const body = err.error as { code?: unknown; message?: unknown } | undefined;
  if (body?.code === "context_length_exceeded" || CONTEXT_LENGTH.test(String(body?.message ?? err.message))) {
    return ErrorClass.CONTEXT_LENGTH;
  }
  if (status === 413) return ErrorClass.CONTEXT_LENGTH;
  return ErrorClass.BAD_REQUEST;
}

function upstreamMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const message = typeof body?.message === "string" ? body.message : err.message;
  return message.slice(0, 300);
}

function connectionDetail(err: APIConnectionError): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

/**
 * Removes configured keys and anything shaped like an API key from text that
 * came from upstream: some providers echo part of a rejected key back.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out
    .replace(/\b(sk|pk|rk|key|sess)-[A-Za-z0-9_*.-]{6,}/g, "[redacted]")
    .replace(/Bearer\s+[A-Za-z0-9_*.-]+/gi, "Bearer [redacted]");
}
