// The chunks of an upstream's streamed chat completion, parsed from the
// response body's bytes as they arrive (Server-Sent Events, one JSON chunk
// per `data:` event, `[DONE]` at the end).
//
// Why not the openai SDK's Stream: it reads the body as a WHATWG stream
// (here an adapter over undici's Node stream), copies every network read
// into a fresh Uint8Array (`iterSSEChunks`), splits lines with its own
// decoder, and resolves a few promises per event. With thousands of streams
// open that was about a seventh of tierd's CPU (docs/benchmark.md, slow
// streams); this parser reads the Node stream directly and keeps one string
// buffer per stream. The SDK still makes the request (headers, error
// statuses, retries off); only the body is read here, with the SDK's
// semantics:
// - an event whose JSON has an `error` member, or an `error` event, throws
//   the SDK's APIError, as the SDK's stream does;
// - data that is not JSON throws the SyntaxError;
// - after `[DONE]` the rest of the body is read and ignored (so the
//   keep-alive connection is left clean), and the iteration ends with it;
// - an abort (an error named AbortError) ends the iteration quietly, as the
//   SDK's does; the caller's signal says why;
// - stopping early destroys the body, which closes the upstream request.
import { APIError } from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";

type EventStreamBody = AsyncIterable<Uint8Array | string> & { destroy?: (err?: Error) => void };

/** The chunks one at a time (see chatChunkBatchesOf). */
export async function* chatChunksOf(body: EventStreamBody, headers: Headers): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  for await (const batch of chatChunkBatchesOf(body, headers)) yield* batch;
}

/**
 * The chunks as they arrive, one array per network read (never empty): a
 * reader that fell behind gets everything that queued up in one step, and
 * may pass it on as one message (provider.ts, coalescing). An error in the
 * middle of a read comes after the chunks before it.
 */
export async function* chatChunkBatchesOf(body: EventStreamBody, headers: Headers): AsyncGenerator<ChatCompletionChunk[], void, undefined> {
  const decoder = new TextDecoder();
  let pending = "";
  let event: string | null = null;
  let data: string[] = [];
  let done = false;
  let finished = false;
  /** The event a blank line completes, or undefined (nothing to dispatch). */
  const dispatch = (): ChatCompletionChunk | undefined => {
    if (event === null && data.length === 0) return undefined;
    const name = event;
    const text = data.join("\n");
    event = null;
    data = [];
    if (done) return undefined;
    if (text.startsWith("[DONE]")) {
      done = true;
      return undefined;
    }
    if (name !== null && name.startsWith("thread.")) return undefined; // the Assistants API's events; not a chat completion
    const parsed = JSON.parse(text) as ChatCompletionChunk & { error?: object; message?: string };
    if (name === "error") throw new APIError(undefined, parsed.error, parsed.message, undefined);
    if (parsed && parsed.error) throw new APIError(undefined, parsed.error, undefined, headers);
    return parsed;
  };
  /** One line (no terminator): a field, a comment, or the blank line that ends an event. */
  const line = (text: string): ChatCompletionChunk | undefined => {
    if (text === "") return dispatch();
    if (text.charCodeAt(0) === 58 /* ":" */) return undefined;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* " " */) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    return undefined;
  };
  try {
    for await (const piece of body) {
      pending += typeof piece === "string" ? piece : decoder.decode(piece, { stream: true });
      let start = 0;
      const batch: ChatCompletionChunk[] = [];
      let failed = false;
      let failure: unknown;
      try {
        for (;;) {
          const lf = pending.indexOf("\n", start);
          const cr = pending.indexOf("\r", start);
          const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
          if (end < 0) break;
          // A CR at the very end may be the first half of a CRLF still in flight.
          if (end === cr && end === pending.length - 1) break;
          const next = end === cr && pending.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
          const chunk = line(pending.slice(start, end));
          start = next;
          if (chunk !== undefined) batch.push(chunk);
        }
      } catch (err) {
        failed = true;
        failure = err;
      }
      if (batch.length > 0) yield batch;
      if (failed) throw failure;
      if (start > 0) pending = pending.slice(start);
    }
    pending += decoder.decode();
    // A last line with no terminator is a field, never the end of an event (as in the SDK).
    // (Only a lone CR can be left after the last line: drop the empty line it splits off.)
    if (pending !== "") line(pending.replace(/\r$/, ""));
    finished = true;
  } catch (err) {
    if (err instanceof Error && err.name === "AbortError") return;
    throw err;
  } finally {
    if (!finished) body.destroy?.();
  }
}
