// A hostile JSON body ("[" x 1.9M then "]" x 1.9M, under the size limit)
// costs V8 seconds and hundreds of MB to parse before connect-es rejects it,
// and sixteen at once stall the server. This scans a JSON request body as it
// streams into connect-node and fails it as InvalidArgument as soon as its
// nesting passes the limit, so such a body costs no more than reading it.
// tierd's messages nest a few levels; 64 leaves room for any real request.
import { Code, ConnectError } from "@connectrpc/connect";
import type { IncomingHttpHeaders } from "node:http";

export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Nesting depth of JSON text fed in pieces; strings (and escapes in them) are skipped. */
export function createDepthScanner(maxDepth: number): (bytes: Uint8Array) => boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
        if (++depth > maxDepth) return false;
      } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
    }
    return true;
  };
}

/**
 * The body's JSON, without the 5-byte envelope headers of the streaming
 * protocols (connect+json, grpc+json, grpc-web+json), fed to `scan`.
 */
function envelopeAware(scan: (bytes: Uint8Array) => boolean): (bytes: Uint8Array) => boolean {
  let headerRead = 0;
  let length = 0;
  let payloadLeft = 0;
  return (bytes) => {
    let i = 0;
    while (i < bytes.length) {
      if (payloadLeft > 0) {
        const take = Math.min(payloadLeft, bytes.length - i);
        if (!scan(bytes.subarray(i, i + take))) return false;
        payloadLeft -= take;
        i += take;
        continue;
      }
      // Header: a flags byte, then the payload's length (big-endian uint32).
      const b = bytes[i++]!;
      if (headerRead > 0) length = length * 256 + b;
      if (++headerRead === 5) {
        payloadLeft = length;
        headerRead = 0;
        length = 0;
      }
    }
    return true;
  };
}

/** What to scan for a request's content type: undefined when the body is not JSON, or is compressed. */
function scannerFor(headers: IncomingHttpHeaders, maxDepth: number): ((bytes: Uint8Array) => boolean) | undefined {
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const encoding = headers["content-encoding"] ?? headers["connect-content-encoding"] ?? headers["grpc-encoding"] ?? "identity";
  // A compressed body is decompressed by connect-es within server.max_request_bytes; its
  // nesting is not seen here (JSON requests are rarely compressed; the size limit still holds).
  if (encoding !== "identity") return undefined;
  if (type === "application/json") return createDepthScanner(maxDepth);
  if (type === "application/connect+json" || type === "application/grpc+json" || type === "application/grpc-web+json") return envelopeAware(createDepthScanner(maxDepth));
  return undefined;
}

/** Makes the request's body fail with InvalidArgument once its JSON nests deeper than `maxDepth`. */
export function guardJsonDepth(req: AsyncIterable<unknown> & { headers: IncomingHttpHeaders }, res: object, maxDepth = MAX_JSON_DEPTH): void {
  const scan = scannerFor(req.headers, maxDepth);
  if (scan === undefined) return;
  const original = req[Symbol.asyncIterator].bind(req);
  // connect-node reads the body with for-await over the request object. The
  // rest of a refused body is never read, so an HTTP/1.1 connection cannot be
  // reused: the answer says "Connection: close" and the client opens another.
  req[Symbol.asyncIterator] = () => {
    const inner = original();
    const wrapped: AsyncIterator<unknown> & AsyncIterable<unknown> = {
      async next() {
        const step = await inner.next();
        if (!step.done && !scan(step.value as Uint8Array)) {
          if ("shouldKeepAlive" in res) (res as { shouldKeepAlive: boolean }).shouldKeepAlive = false;
          throw new ConnectError(`request JSON nests deeper than ${maxDepth} levels`, Code.InvalidArgument);
        }
        return step;
      },
      return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true as const, value }),
      [Symbol.asyncIterator]: () => wrapped,
    };
    return wrapped;
  };
}
