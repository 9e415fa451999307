// Caller-chosen request ids as idempotency keys. A request whose id the
// caller chose claims that id (per caller) before anything else happens:
//
// - nobody holds it: this request runs, and on success its answer is stored
//   for the window, so a retry gets the same answer without a second model
//   call, a second bill or a second ledger row;
// - an earlier request with the same body succeeded: its answer is replayed;
// - one with the same body is still running: wait for it, then replay its
//   answer (or, if it failed, run this one);
// - the id was used for a different body: ALREADY_EXISTS.
//
// Failed requests are not stored: a retry after a failure is the point of
// retrying. The store is this process's memory or Redis (every replica);
// a store that cannot answer lets the request run unchecked, since a rare
// duplicate costs less than refusing traffic while Redis is away.
import { createHash, randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import { bigintReplacer } from "../core/bigint-json.js";
import { TierdError, abortReasonOf } from "../core/errors.js";
import type { CallContext, Completion, CompletionRequest, Decision } from "../core/types.js";

/** What is kept of a request that succeeded: enough to answer its retries as it was answered. */
export interface StoredAnswer {
  decision: Decision;
  completion: Completion;
  latencyMs: number;
  /** Streams: when the first token reached the caller. */
  timeToFirstTokenMs?: number;
}

/** What a claim found. */
export type ClaimResult =
  | { state: "claimed" }
  | { state: "pending"; fingerprint: string }
  | { state: "done"; fingerprint: string; answer: StoredAnswer }
  /** The store could not answer (Redis away): run unchecked. */
  | { state: "unavailable" };

/** Where claims and answers live. `owner` tells one claim from a later one of the same key. */
export interface IdempotencyStore {
  readonly location: string;
  claim(key: string, fingerprint: string, owner: string, inFlightMs: number): Promise<ClaimResult>;
  complete(key: string, fingerprint: string, answer: StoredAnswer, windowMs: number): Promise<void>;
  /** Frees a claim that is still this owner's (its request failed). */
  release(key: string, fingerprint: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  windowMs: number;
  inFlightMs: number;
  /** Poll interval bounds while waiting for a running request (ms). Defaults 20 and 250. */
  pollMs?: [number, number];
  /** Told when the store could not answer (a warning, rate-limited by the caller). */
  onUnavailable?: () => void;
}

/** A claim this request holds: exactly one of complete or release ends it. */
export interface IdempotencyHold {
  complete(answer: StoredAnswer): Promise<void>;
  release(): Promise<void>;
}

export type IdempotencyOutcome = { kind: "replay"; answer: StoredAnswer } | { kind: "hold"; hold: IdempotencyHold };

export interface Idempotency {
  /** Undefined when the request's id was made by the server (nothing to check) or the store is away. */
  begin(request: CompletionRequest, ctx: CallContext): Promise<IdempotencyOutcome | undefined>;
  close(): Promise<void>;
}

export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const { store, windowMs, inFlightMs } = options;
  const [pollMin, pollMax] = options.pollMs ?? [20, 250];
  return {
    async begin(request, ctx) {
      if (request.requestIdGiven !== true) return undefined;
      const key = idempotencyKey(ctx.principal?.callerId ?? request.caller.id, request.requestId);
      const fingerprint = requestFingerprint(request);
      const owner = randomUUID();
      let pause = pollMin;
      for (;;) {
        const found = await store.claim(key, fingerprint, owner, inFlightMs);
        switch (found.state) {
          case "unavailable":
            options.onUnavailable?.();
            return undefined;
          case "claimed":
            return {
              kind: "hold",
              hold: {
                complete: (answer) => store.complete(key, fingerprint, answer, windowMs),
                release: () => store.release(key, fingerprint, owner),
              },
            };
          case "done":
            if (found.fingerprint !== fingerprint) throw reused(request.requestId);
            return { kind: "replay", answer: found.answer };
          case "pending":
            if (found.fingerprint !== fingerprint) throw reused(request.requestId);
            // The same request is running (a retry that came too soon, or a
            // second replica's copy): wait for its answer rather than pay twice.
            await pauseFor(pause, ctx);
            pause = Math.min(pollMax, pause * 2);
        }
      }
    },
    close: () => store.close(),
  };
}

function reused(requestId: string): TierdError {
  return new TierdError(
    "already_exists",
    `request_id "${requestId}" was already used for a different request; a retry must resend the same request, and a new request needs a new id`,
    { field: "request_id" },
  );
}

/** Sleeps, or throws when the caller gives up or the server stops first. */
async function pauseFor(ms: number, ctx: CallContext): Promise<void> {
  const stop = () => {
    const stopping = abortReasonOf(ctx.signal);
    if (stopping) return stopping;
    const late = ctx.deadlineAt !== undefined && Date.now() >= ctx.deadlineAt - 1;
    return new TierdError(late ? "deadline_exceeded" : "canceled", "gave up waiting for the earlier request with this request_id to finish");
  };
  if (ctx.signal.aborted) throw stop();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(stop());
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Ids are per caller: two callers' "retry-1" are different requests. */
export function idempotencyKey(caller: string, requestId: string): string {
  return createHash("sha256").update(caller).update("\0").update(requestId).digest("hex");
}

/**
 * What makes two requests the same request: everything the caller sent
 * except the id. The server's own conversion builds these objects in one
 * field order, so the JSON of equal requests is equal.
 */
export { bigintReplacer, bigintReviver } from "../core/bigint-json.js";

export function requestFingerprint(request: CompletionRequest): string {
  const { messages, endpoint, caller, tierOverride, params, cacheBypass } = request;
  return createHash("sha256")
    .update(JSON.stringify({ messages, endpoint, caller, tierOverride, params, cacheBypass }, bigintReplacer))
    .digest("hex");
}

/** Rough bytes an answer holds in memory: its text twice (UTF-16) plus the decision and bookkeeping. */
export function answerBytes(answer: StoredAnswer): number {
  let chars = answer.completion.content.length;
  for (const call of answer.completion.toolCalls ?? []) chars += call.arguments.length + call.name.length + call.id.length;
  return 2 * chars + 2_048 + 256 * answer.decision.trace.length;
}

type MemoryEntry = { state: "pending"; fingerprint: string; owner: string } | { state: "done"; fingerprint: string; answer: StoredAnswer };

/** This process's store: an LRU bounded by bytes, each entry with its own TTL. */
export function createMemoryIdempotencyStore(options: { maxBytes: number }): IdempotencyStore {
  const entries = new LRUCache<string, MemoryEntry>({
    maxSize: options.maxBytes,
    sizeCalculation: (e) => (e.state === "done" ? answerBytes(e.answer) : 256),
    ttlAutopurge: false,
  });
  return {
    location: "memory",
    async claim(key, fingerprint, owner, inFlightMs) {
      const found = entries.get(key);
      if (found === undefined) {
        entries.set(key, { state: "pending", fingerprint, owner }, { ttl: inFlightMs });
        return { state: "claimed" };
      }
      return found.state === "done" ? { state: "done", fingerprint: found.fingerprint, answer: found.answer } : { state: "pending", fingerprint: found.fingerprint };
    },
    async complete(key, fingerprint, answer, windowMs) {
      // An answer too large for the bound is not kept: its retry runs again.
      if (answerBytes(answer) > options.maxBytes) {
        entries.delete(key);
        return;
      }
      entries.set(key, { state: "done", fingerprint, answer }, { ttl: windowMs });
    },
    async release(key, _fingerprint, owner) {
      const found = entries.get(key);
      if (found?.state === "pending" && found.owner === owner) entries.delete(key);
    },
    close: async () => entries.clear(),
  };
}
