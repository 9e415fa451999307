// Caller deadlines above server.max_timeout_ms are refused (InvalidArgument)
// by connect-node, but it arms the deadline's timer before it checks, and a
// value past 2^31 ms (grpc-timeout: 99999999H) makes Node print a
// TimeoutOverflowWarning for every such request: log noise any client can
// trigger. Headers over the limit are lowered to just above it first, so the
// request is still refused, with the limit in the message, and no timer
// overflows.
import type { IncomingHttpHeaders } from "node:http";

const GRPC_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout ("1S", "250m") in ms, or undefined when malformed (connect-node reports that). */
function grpcTimeoutMs(value: string): number | undefined {
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  return m ? Number(m[1]) * GRPC_UNIT_MS[m[2]!]! : undefined;
}

export function clampTimeoutHeaders(headers: IncomingHttpHeaders, maxTimeoutMs: number): void {
  const over = maxTimeoutMs + 1;
  const grpc = headers["grpc-timeout"];
  if (typeof grpc === "string") {
    const ms = grpcTimeoutMs(grpc);
    if (ms !== undefined && ms > over) headers["grpc-timeout"] = `${over}m`;
  }
  const connect = headers["connect-timeout-ms"];
  if (typeof connect === "string" && /^\d{1,20}$/.test(connect) && Number(connect) > over) headers["connect-timeout-ms"] = String(over);
}
