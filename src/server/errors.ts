// Errors cross into the transport here, once: a TierdError's code becomes a
// Connect Code, stream failures carry a StreamFailure detail, and anything
// unexpected is logged and answered as Internal without leaking internals.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { StreamFailureSchema } from "../../gen/tierd/v1/router_pb.js";
import { isTierdError, type ErrorCode } from "../core/errors.js";
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
};

export function toConnectError(reason: unknown, log: Logger): ConnectError {
  if (reason instanceof ConnectError) return reason;
  if (isTierdError(reason)) {
    const metadata = new Headers();
    if (reason.retryAfterSeconds !== undefined) metadata.set("retry-after", String(Math.ceil(reason.retryAfterSeconds)));
    const details = reason.streamFailure
      ? [{ desc: StreamFailureSchema, value: create(StreamFailureSchema, streamFailureToProto(reason.streamFailure)) }]
      : [];
    return new ConnectError(reason.message, CODE_OF[reason.code], metadata, details);
  }
  log.error("unexpected error", { error: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) });
  return new ConnectError("internal error; see the server log", Code.Internal);
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
