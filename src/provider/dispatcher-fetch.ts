// The `fetch` the openai SDK calls, built on undici's Dispatcher API instead
// of undici's WHATWG fetch. The SDK only needs a Response back; fetch's spec
// machinery (a Request object, a web stream for the request body and a tee
// of it, response body web streams for a few hundred bytes of JSON) cost
// about as much CPU per call as the whole rest of a Route request: measured
// on the benchmark machine, 361 µs of CPU per SDK call through undici's fetch,
// 184 µs through this one (docs/benchmark.md).
//
// Differences from fetch that matter here, and why they are fine: no
// redirects are followed (OpenAI-compatible APIs answer POSTs in place; a
// 3xx reaches the SDK as an error status); gzip, deflate and br bodies are
// decoded as fetch would; bodies other than a string or bytes (a stream, form
// data) go through undici's fetch unchanged.
import { pipeline, Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { fetch as undiciFetch, Headers, request, Response, type Dispatcher } from "undici";

/** The slice of fetch's signature the SDK uses. */
export type FetchFn = (input: string | URL | globalThis.Request, init?: globalThis.RequestInit) => Promise<Response>;

/** Response bodies small enough to read whole before the SDK sees them: everything but event streams. */
const EVENT_STREAM = "text/event-stream";

export function createDispatcherFetch(dispatcher: Dispatcher): FetchFn {
  return async (input, init = {}) => {
    const body = init.body;
    if (typeof input !== "string" && !(input instanceof URL)) return fallback(input, init, dispatcher);
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) return fallback(input, init, dispatcher);
    const res = await request(input, {
      method: (init.method ?? "GET") as Dispatcher.HttpMethod,
      headers: headerRecord(init.headers),
      body: body ?? null,
      signal: init.signal ?? null,
      dispatcher,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
    const init2 = { status: res.statusCode, headers };
    if (res.statusCode === 204 || res.statusCode === 304 || init.method === "HEAD") {
      res.body.resume();
      return new Response(null, init2);
    }
    const decoded = decode(res.body, headers.get("content-encoding"));
    if ((headers.get("content-type") ?? "").startsWith(EVENT_STREAM)) {
      const response = new Response(lazyWebStream(decoded), init2);
      eventStreams.set(response, decoded);
      return response;
    }
    // A whole JSON answer: read as bytes here, so the Response holds a buffer
    // rather than a live stream (cheaper to create, and to read once).
    const chunks: Buffer[] = [];
    for await (const chunk of decoded) chunks.push(chunk as Buffer);
    return new Response(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), init2);
  };
}

/** Event-stream responses' bodies as Node streams, for a reader that parses them directly (sse-chunks.ts). */
const eventStreams = new WeakMap<object, Readable>();

/**
 * The Node stream under an event-stream Response this fetch made, or
 * undefined. Read it or the Response's body, not both.
 */
export function eventStreamBody(response: object): Readable | undefined {
  return eventStreams.get(response);
}

/**
 * A web stream over a Node stream that starts reading only when read
 * (highWaterMark 0), so a reader of the Node stream itself never pays for
 * the web-stream adapter.
 */
function lazyWebStream(body: Readable): ReadableStream {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= (Readable.toWeb(body) as ReadableStream<Uint8Array>).getReader();
        const step = await reader.read();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
      cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

function fallback(input: string | URL | globalThis.Request, init: globalThis.RequestInit, dispatcher: Dispatcher): Promise<Response> {
  return undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>;
}

function headerRecord(headers: globalThis.RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (typeof (headers as { forEach?: unknown }).forEach === "function" && !Array.isArray(headers)) {
    (headers as globalThis.Headers).forEach((value, name) => (out[name] = value));
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers as [string, string][]) out[name.toLowerCase()] = value;
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string>)) out[name.toLowerCase()] = value;
  }
  return out;
}

/** Undoes Content-Encoding as fetch does; an unknown coding passes through untouched. */
function decode(body: Readable, encoding: string | null): Readable {
  const decoder = decoderFor(encoding?.trim().toLowerCase());
  if (decoder === undefined) return body;
  // pipeline, not pipe: a connection error on the body reaches the reader.
  return pipeline(body, decoder, () => undefined);
}

function decoderFor(encoding: string | undefined) {
  switch (encoding) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
