// Errors cross into the transport here, once: a TierdError's code becomes a
// Connect Code, stream failures carry a StreamFailure detail, and anything
// unexpected is logged and answered as Internal without leaking internals.
// Retry hints and bad fields travel as the standard google.rpc.RetryInfo and
// google.rpc.BadRequest, which rich-status decoders in every language read;
// tierd.v1.RetryInfo is sent too, for one release, for clients that read it.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { BadRequestSchema, RetryInfoSchema as GoogleRetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { LimitExceededSchema, LimitKind, RetryInfoSchema } from "../../gen/tierd/v1/errors_pb.js";
import { StreamFailureSchema } from "../../gen/tierd/v1/router_pb.js";
import { isTierdError, type ErrorCode, type LimitFacts } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { streamFailureToProto } from "./convert.js";

const CODE_OF: Record<ErrorCode, Code> = {
  canceled: Code.Canceled,
  invalid_argument: Code.InvalidArgument,
  deadline_exceeded: Code.DeadlineExceeded,
  not_found: Code.NotFound,
  permission_denied: Code.PermissionDenied,
  resource_exhausted: Code.ResourceExhausted,
  failed_precondition: Code.FailedPrecondition,
  unimplemented: Code.Unimplemented,
  internal: Code.Internal,
  unavailable: Code.Unavailable,
  unauthenticated: Code.Unauthenticated,
  already_exists: Code.AlreadyExists,
};

export function toConnectError(reason: unknown, log: Logger): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (isTierdError(reason)) {
    const metadata = new Headers();
    const details: ConstructorParameters<typeof ConnectError>[3] = [];
    if (reason.retryAfterSeconds !== undefined) {
      // Whole seconds in the header (RFC 9110 delay-seconds); the detail keeps milliseconds.
      metadata.set("retry-after", String(Math.max(1, Math.ceil(reason.retryAfterSeconds))));
      const retryDelay = durationOf(reason.retryAfterSeconds);
      details.push({ desc: GoogleRetryInfoSchema, value: create(GoogleRetryInfoSchema, { retryDelay }) });
      details.push({ desc: RetryInfoSchema, value: create(RetryInfoSchema, { retryDelay }) });
    }
    if (reason.code === "invalid_argument" && reason.field !== undefined) {
      details.push({ desc: BadRequestSchema, value: create(BadRequestSchema, { fieldViolations: [{ field: reason.field, description: reason.message }] }) });
    }
    if (reason.limit !== undefined) details.push({ desc: LimitExceededSchema, value: create(LimitExceededSchema, limitToProto(reason.limit)) });
    if (reason.streamFailure) {
      details.push({ desc: StreamFailureSchema, value: create(StreamFailureSchema, streamFailureToProto(reason.streamFailure)) });
    }
    return new ConnectError(reason.message, CODE_OF[reason.code], metadata, details);
  }
  // The caller's stream or connection closed while its call was still
  // being read or answered (a reset, a cancel racing the last write): there
  // is nobody to answer, and it is no fault of tierd's.
  const code = (reason as { code?: unknown } | null)?.code;
  if (typeof code === "string" && GONE_CODES.has(code)) {
    log.debug("the caller's stream closed before its call was answered", { error: code });
    return new ConnectError("the caller's stream or connection closed", Code.Canceled);
  }
  log.error("unexpected error", { error: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) });
  return new ConnectError("internal error; see the server log", Code.Internal);
}

/** Node's errors for a stream or socket the peer already closed. */
const GONE_CODES = new Set(["ERR_HTTP2_INVALID_STREAM", "ERR_HTTP2_STREAM_CANCEL", "ERR_STREAM_DESTROYED", "ERR_STREAM_PREMATURE_CLOSE", "ERR_STREAM_WRITE_AFTER_END", "ECONNRESET", "EPIPE"]);

const LIMIT_KIND: Record<LimitFacts["kind"], LimitKind> = {
  requests_per_minute: LimitKind.REQUESTS_PER_MINUTE,
  tokens_per_minute: LimitKind.TOKENS_PER_MINUTE,
  budget_day: LimitKind.BUDGET_DAY,
  budget_month: LimitKind.BUDGET_MONTH,
};

function limitToProto(limit: LimitFacts) {
  return {
    kind: LIMIT_KIND[limit.kind],
    name: limit.name,
    limit: limit.limit,
    ...(limit.resetsAtMs === undefined ? {} : { resetsAt: timestampFromMs(limit.resetsAtMs) }),
  };
}

function durationOf(seconds: number) {
  const ms = Math.max(0, Math.round(seconds * 1000));
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/** Maps errors of unary calls and of every message of a stream. */
export function errorMappingInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapStreamErrors(res.message, log) };
    } catch (err) {
      throw toConnectError(err, log);
    }
  };
}

async function* mapStreamErrors<T>(messages: AsyncIterable<T>, log: Logger): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw toConnectError(err, log);
  }
}
