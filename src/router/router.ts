// The request pipeline: decide a tier, call it, report what happened. Plain
// TypeScript over the core modules; the server adapts it to RPCs.
import { randomUUID } from "node:crypto";
import { monotonicNow, roundMs, type MonotonicClock } from "../core/clock.js";
import type {
  CallContext,
  ClassifyInput,
  ClassifyResult,
  CompletionRequest,
  RouteResult,
  StreamEvent,
} from "../core/types.js";
import type { TierDecider } from "../policy/index.js";
import type { Provider } from "../provider/index.js";

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
}

export function createRouter(options: RouterOptions): Router {
  const { decider, provider } = options;
  const clock = options.clock ?? monotonicNow;

  return {
    async classify(input, ctx) {
      const decision = await decider.decide(input, ctx);
      return { requestId: input.requestId, decision };
    },

    async route(request, ctx) {
      const started = clock();
      const decision = await decider.decide(request, ctx);
      const completion = await provider.complete(decision.tier, request, ctx);
      return { ...completion, requestId: request.requestId, decision, latencyMs: roundMs(clock() - started) };
    },

    async *stream(request, ctx) {
      const started = clock();
      const decision = await decider.decide(request, ctx);
      yield { kind: "decision", decision };
      let firstTokenAt: number | undefined;
      for await (const event of provider.stream(decision.tier, request, ctx)) {
        if (event.kind === "delta") {
          firstTokenAt ??= clock();
          yield event;
          continue;
        }
        const now = clock();
        yield {
          kind: "summary",
          summary: {
            ...event.completion,
            requestId: request.requestId,
            latencyMs: roundMs(now - started),
            timeToFirstTokenMs: roundMs((firstTokenAt ?? now) - started),
          },
        };
      }
    },
  };
}

/** A request id for callers that sent none. */
export function newRequestId(): string {
  return randomUUID();
}
