// The request pipeline: decide a tier, call it, report what happened. Plain
// TypeScript over the core modules; the server adapts it to RPCs.
import { randomUUID } from "node:crypto";
import { monotonicNow, preciseWallNow, roundMs, type MonotonicClock } from "../core/clock.js";
import { abortReasonOf, isTierdError } from "../core/errors.js";
import {
  ZERO_USAGE,
  type CallContext,
  type ClassifyInput,
  type ClassifyResult,
  type Completion,
  type CompletionRequest,
  type Decision,
  type RouteResult,
  type StreamEvent,
  type StreamSummary,
} from "../core/types.js";
import { replayChunks, replayCompletion, type ResponseCache } from "../cache/index.js";
import type { TierDecider } from "../policy/index.js";
import type { CallOptions, Provider } from "../provider/index.js";
import type { GateTicket, RequestGate } from "./gate.js";
import type { Idempotency, StoredAnswer } from "./idempotency.js";
import { requestFailureOf, type RequestKind, type RequestObservation, type RequestOutcome, type RouteObserver } from "./observer.js";

export interface Router {
  classify(input: ClassifyInput, ctx: CallContext): Promise<ClassifyResult>;
  route(request: CompletionRequest, ctx: CallContext): Promise<RouteResult>;
  /** Events in order: one decision, deltas, one summary (or a thrown TierdError). */
  stream(request: CompletionRequest, ctx: CallContext): AsyncGenerator<StreamEvent, void, undefined>;
}

export interface RouterOptions {
  decider: TierDecider;
  provider: Provider;
  clock?: MonotonicClock;
  /** Told about every request and its outcome (usage ledger, telemetry). */
  observer?: RouteObserver;
  /** Answers repeated requests without an upstream call (cache/). */
  responseCache?: ResponseCache;
  /** The caller's limits: rate limits, tier cap, budgets (src/callers). */
  gate?: RequestGate;
  /** Caller-chosen request ids as idempotency keys (idempotency.ts). */
  idempotency?: Idempotency;
}

export function createRouter(options: RouterOptions): Router {
  const { decider, provider, observer, responseCache, gate, idempotency } = options;
  const clock = options.clock ?? monotonicNow;

  /** One request's observation: its start and the facts every outcome shares. */
  const observe = (kind: RequestKind, request: ClassifyInput | CompletionRequest) => {
    const startedAt = preciseWallNow();
    const started = clock();
    const observation: RequestObservation | undefined = observer?.begin({ kind, request, startedAt });
    let ticket: GateTicket | undefined;
    return {
      started,
      /** The caller's limits before any work (may throw). */
      async admit(ctx: CallContext) {
        ticket = await gate?.admit(kind, request, ctx);
      },
      /** The decision as the caller's limits leave it, and how to call the provider. */
      plan(decision: Decision): Promise<{ decision: Decision; call: CallOptions }> {
        return ticket === undefined ? Promise.resolve({ decision, call: {} }) : ticket.plan(decision);
      },
      async end(facts: Omit<RequestOutcome, "kind" | "request" | "startedAt" | "latencyMs">, endedAt = clock()) {
        ticket?.close(facts.usage);
        const pending = observation?.end({ kind, request, startedAt, latencyMs: roundMs(endedAt - started), ...facts });
        if (pending !== undefined) await pending;
      },
    };
  };

  return {
    async classify(input, ctx) {
      const o = observe("classify", input);
      let decision: Decision | undefined;
      try {
        await o.admit(ctx);
        decision = await decider.decide(input, ctx);
        ({ decision } = await o.plan(decision));
      } catch (err) {
        await o.end(failedFacts(err, decision, ctx));
        throw err;
      }
      await o.end({ decision, attempts: [], usage: ZERO_USAGE, costPicoUsd: 0n });
      return { requestId: input.requestId, decision };
    },

    async route(request, ctx) {
      const held = await idempotency?.begin(request, ctx);
      if (held?.kind === "replay") return replayedResult(request, held.answer);
      let result: RouteResult;
      try {
        result = await routeOnce(request, ctx);
      } catch (err) {
        await held?.hold.release();
        throw err;
      }
      await held?.hold.complete({ decision: result.decision, completion: completionOf(result), latencyMs: result.latencyMs });
      return result;
    },

    async *stream(request, ctx) {
      const held = await idempotency?.begin(request, ctx);
      if (held?.kind === "replay") {
        yield* replayedStream(request, held.answer);
        return;
      }
      let decision: Decision | undefined;
      let summary: StreamSummary | undefined;
      try {
        for await (const event of streamOnce(request, ctx)) {
          if (event.kind === "decision") decision = event.decision;
          else if (event.kind === "summary") summary = event.summary;
          yield event;
        }
      } finally {
        // Stored only when the whole answer reached the caller's stream; a
        // failure or a reader that stopped frees the id for a retry.
        if (held !== undefined) {
          if (decision !== undefined && summary !== undefined) {
            await held.hold.complete({ decision, completion: completionOf(summary), latencyMs: summary.latencyMs, timeToFirstTokenMs: summary.timeToFirstTokenMs });
          } else {
            await held.hold.release();
          }
        }
      }
    },
  };

  async function routeOnce(request: CompletionRequest, ctx: CallContext): Promise<RouteResult> {
    const o = observe("route", request);
    let decision: Decision | undefined;
    let completion: Completion;
    try {
      await o.admit(ctx);
      decision = await decider.decide(request, ctx);
      let call: CallOptions;
      ({ decision, call } = await o.plan(decision));
      completion = (await responseCache?.lookup(decision.tier, request)) ?? (await provider.complete(decision.tier, request, ctx, call));
      responseCache?.store(request, completion);
    } catch (err) {
      await o.end(failedFacts(err, decision, ctx));
      throw err;
    }
    const endedAt = clock();
    await o.end({ decision, completion, attempts: completion.attempts, usage: completion.usage, costPicoUsd: completion.costPicoUsd }, endedAt);
    return { ...completion, requestId: request.requestId, decision, latencyMs: roundMs(endedAt - o.started) };
  }

  async function* streamOnce(request: CompletionRequest, ctx: CallContext): AsyncGenerator<StreamEvent, void, undefined> {
    const o = observe("stream", request);
    let decision: Decision | undefined;
    let completion: Completion | undefined;
    let failure: unknown;
    let firstTokenAt: number | undefined;
    let firstTokenWallAt: number | undefined;
    let summaryAt: number | undefined;
    try {
      await o.admit(ctx);
      decision = await decider.decide(request, ctx);
      let call: CallOptions;
      ({ decision, call } = await o.plan(decision));
      yield { kind: "decision", decision };
      const hit = await responseCache?.lookup(decision.tier, request);
      for await (const event of hit === undefined ? provider.stream(decision.tier, request, ctx, call) : replayCompletion(hit)) {
        if (event.kind === "delta" || event.kind === "tool_call") {
          if (firstTokenAt === undefined) {
            firstTokenAt = clock();
            firstTokenWallAt = preciseWallNow();
          }
          yield event;
          continue;
        }
        completion = event.completion;
        // Only a stream that ran to its end gets here: broken ones threw.
        responseCache?.store(request, completion);
        summaryAt = clock();
        yield {
          kind: "summary",
          summary: {
            ...event.completion,
            requestId: request.requestId,
            latencyMs: roundMs(summaryAt - o.started),
            timeToFirstTokenMs: roundMs((firstTokenAt ?? summaryAt) - o.started),
          },
        };
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // Runs on success, on a thrown error and when the consumer stops
      // reading (return()), so every stream leaves exactly one outcome.
      const firstToken =
        firstTokenAt === undefined ? {} : { timeToFirstTokenMs: roundMs(firstTokenAt - o.started), firstTokenAt: firstTokenWallAt! };
      if (completion !== undefined && decision !== undefined && failure === undefined) {
        // The latency the caller saw in the summary, not the time it took to read it.
        await o.end({ decision, completion, attempts: completion.attempts, usage: completion.usage, costPicoUsd: completion.costPicoUsd, ...firstToken }, summaryAt);
      } else if (failure !== undefined) {
        await o.end({ ...failedFacts(failure, decision, ctx), ...firstToken });
      } else {
        await o.end({
          ...(decision === undefined ? {} : { decision }),
          failure: { code: "canceled", message: "the caller stopped reading the stream" },
          attempts: [],
          usage: ZERO_USAGE,
          costPicoUsd: 0n,
          ...firstToken,
        });
      }
    }
  }
}

/** The Completion part of a result or summary (what a replay answers with). */
function completionOf(r: RouteResult | StreamSummary): Completion {
  const { requestId: _id, latencyMs: _latency, ...rest } = r as RouteResult & Partial<StreamSummary>;
  const { decision: _decision, replayed: _replayed, timeToFirstTokenMs: _ttft, ...completion } = rest;
  return completion;
}

function replayedResult(request: CompletionRequest, answer: StoredAnswer): RouteResult {
  return { ...answer.completion, requestId: request.requestId, decision: answer.decision, latencyMs: answer.latencyMs, replayed: true };
}

/** A stored answer as a stream: the decision, its text and tool calls, then the summary the first caller got. */
async function* replayedStream(request: CompletionRequest, answer: StoredAnswer): AsyncGenerator<StreamEvent, void, undefined> {
  const c = answer.completion;
  yield { kind: "decision", decision: answer.decision };
  for (const piece of replayChunks(c.content)) yield { kind: "delta", content: piece };
  for (const [index, call] of (c.toolCalls ?? []).entries()) yield { kind: "tool_call", index, id: call.id, name: call.name, arguments: call.arguments };
  yield {
    kind: "summary",
    summary: { ...c, requestId: request.requestId, latencyMs: answer.latencyMs, timeToFirstTokenMs: answer.timeToFirstTokenMs ?? answer.latencyMs, replayed: true },
  };
}

/**
 * A client times its deadline from before it sent the request, so its
 * cancellation (an HTTP/2 reset) reaches tierd shortly before tierd's own
 * copy of the deadline fires. A cancel this close to the deadline is the
 * deadline.
 */
const DEADLINE_SLACK_MS = 100;

/** Outcome facts of a failed request: attempts and, for a broken stream, what it billed. */
function failedFacts(err: unknown, decision: Decision | undefined, ctx: CallContext): Omit<RequestOutcome, "kind" | "request" | "startedAt" | "latencyMs"> {
  const partial = isTierdError(err) ? err.streamFailure : undefined;
  let failure = requestFailureOf(err);
  if (failure.code === "canceled" && ctx.deadlineAt !== undefined && Date.now() >= ctx.deadlineAt - DEADLINE_SLACK_MS) {
    failure = { ...failure, code: "deadline_exceeded" };
  }
  // Cut short by a server stop: tierd's fault, and an error in reports.
  const stopping = failure.code === "canceled" ? abortReasonOf(ctx.signal) : undefined;
  if (stopping) failure = { code: stopping.code, message: stopping.message };
  return {
    ...(decision === undefined ? {} : { decision }),
    failure,
    attempts: isTierdError(err) ? (err.attempts ?? []) : [],
    usage: partial?.usage ?? ZERO_USAGE,
    costPicoUsd: partial?.costPicoUsd ?? 0n,
  };
}

/** A request id for callers that sent none. */
export function newRequestId(): string {
  return randomUUID();
}
