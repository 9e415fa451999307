// One SERVER span per RPC, following the RPC semantic conventions, with the
// caller's trace context (W3C traceparent) as parent. For server streams the
// span stays the active context for every message, so spans the handler
// starts while streaming (route, attempts) hang under it.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter, type Tracer } from "@opentelemetry/api";
import * as sc from "./semconv.js";

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** gRPC status names (the conventions' rpc.response.status_code values). */
const STATUS_NAME: Record<Code | 0, string> = {
  0: "OK",
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** Server-side errors per the gRPC conventions; a caller's mistake is not the server's error. */
const SERVER_ERRORS = new Set<Code>([Code.Unknown, Code.DeadlineExceeded, Code.Unimplemented, Code.Internal, Code.Unavailable, Code.DataLoss]);

export function rpcTracingInterceptor(tracer: Tracer): Interceptor {
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const contentType = req.header.get("content-type") ?? "";
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [sc.ATTR_RPC_SYSTEM_NAME]: contentType.startsWith("application/grpc") ? sc.RPC_SYSTEM_GRPC : sc.RPC_SYSTEM_CONNECT,
          [sc.ATTR_RPC_METHOD]: method,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    try {
      const res = await context.with(active, () => next(req));
      if (!res.stream) {
        end(span, undefined);
        return res;
      }
      return { ...res, message: bindToContext(res.message, active, (err) => end(span, err)) };
    } catch (err) {
      end(span, err);
      throw err;
    }
  };
}

function end(span: Span, err: unknown): void {
  const code = err === undefined ? 0 : ConnectError.from(err).code;
  const status = STATUS_NAME[code];
  span.setAttribute(sc.ATTR_RPC_RESPONSE_STATUS_CODE, status);
  if (code !== 0 && SERVER_ERRORS.has(code)) {
    span.setAttribute(sc.ATTR_ERROR_TYPE, status);
    span.setStatus({ code: SpanStatusCode.ERROR, message: ConnectError.from(err).rawMessage });
  }
  span.end();
}

/** Runs every step of a stream inside `ctx`; `done` once, at its end, with the error if any. */
function bindToContext<T>(source: AsyncIterable<T>, ctx: Context, done: (err: unknown) => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = context.with(ctx, () => source[Symbol.asyncIterator]());
      let finished = false;
      const finish = (err: unknown) => {
        if (finished) return;
        finished = true;
        done(err);
      };
      return {
        async next() {
          try {
            const r = await context.with(ctx, () => it.next());
            if (r.done) finish(undefined);
            return r;
          } catch (err) {
            finish(err);
            throw err;
          }
        },
        async return(value?: unknown) {
          // The consumer stopped early: the caller went away.
          finish(new ConnectError("the caller stopped the stream", Code.Canceled));
          return (await context.with(ctx, () => it.return?.(value))) ?? { done: true, value: undefined };
        },
        async throw(err?: unknown) {
          finish(err);
          if (it.throw) return context.with(ctx, () => it.throw!(err));
          throw err;
        },
      };
    },
  };
}
