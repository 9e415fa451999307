// Calls a tier's deployments through OpenAI-compatible APIs, walking the
// fallback chain on failure (chain-walk.ts), and bills the answer exactly.
// Core code: no Connect, no OpenTelemetry setup; the transport's
// cancellation and deadline arrive as a CallContext.
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import { cooldownSchema, retrySchema, type Config } from "../config/index.js";
import { monotonicNow, wallNow, type MonotonicClock, type WallClock } from "../core/clock.js";
import { TierdError, type ErrorCode } from "../core/errors.js";
import { ErrorClass, type CallContext, type Completion, type CompletionRequest, type RoutableTier } from "../core/types.js";
import { attemptSignal, failureOf, type AttemptSignal } from "./attempt-signal.js";
import { ChainWalk, type Target } from "./chain-walk.js";
import { createChatClientPool } from "./chat-client.js";
import { chatBody } from "./chat-request.js";
import { finishReasonOf, usageOf, type UpstreamUsage } from "./chat-response.js";
import { createCooldownTracker, type CooldownTracker } from "./cooldown.js";
import { createDeployments } from "./deployment.js";
import { orderDeployments } from "./deployment-order.js";
import { fallbackChain, fallbackMapOf } from "./fallback-chain.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { createLatencyTracker, type LatencyTracker } from "./latency-tracker.js";
import { costOf, createPriceTable, type PriceTable } from "../pricing/index.js";
import type { SpendGuard, SpendHold } from "./spend-guard.js";
import { MalformedResponseError, TruncatedStreamError } from "./upstream-error.js";

export type ProviderStreamEvent = { kind: "delta"; content: string } | { kind: "done"; completion: Completion };

export interface Provider {
  /** A whole completion from the first tier of the chain that can answer. */
  complete(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options?: CallOptions): Promise<Completion>;
  /**
   * A streamed completion. Falls back until the first delta is yielded; after
   * that a failure throws TierdError("unavailable") with `streamFailure`.
   */
  stream(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options?: CallOptions): AsyncGenerator<ProviderStreamEvent, void, undefined>;
  readonly prices: PriceTable;
  close(): Promise<void>;
}

export interface CallOptions {
  /**
   * Try only the given tier's deployments, never the fallback chain: a call
   * made on tierd's own behalf (the LLM classifier asking nano) must not
   * quietly escalate to a pricier tier.
   */
  withinTier?: boolean;
  /** The highest tier the walk may reach: fallbacks stop below a caller's limit. */
  maxTier?: RoutableTier;
  /** Holds each attempt's worst-case cost against the caller's budgets. */
  spend?: SpendGuard;
}

/** What createProvider returns: a Provider, plus its breakers for inspection (health, tests). */
export interface ProviderWithCooldown extends Provider {
  /** Per-deployment circuit breakers, shared by every tier and request. */
  readonly cooldown: CooldownTracker;
}

export interface ProviderOptions {
  /** `retry` and `cooldown` take the schema's defaults when absent. */
  config: Pick<Config, "deployments" | "tiers" | "fallbacks" | "pricing"> & Partial<Pick<Config, "retry" | "cooldown">>;
  /** Names the config in pricing errors. */
  configSource?: string;
  /** Durations (latency, cooldown). */
  clock?: MonotonicClock;
  /** Epoch ms, for the caller's deadline. */
  now?: WallClock;
  /** Uniform in [0, 1): backoff jitter and the weighted strategy. */
  random?: () => number;
}

type CallMode = "unary" | "stream";

export function createProvider(options: ProviderOptions): ProviderWithCooldown {
  const { config } = options;
  const clock = options.clock ?? monotonicNow;
  const now = options.now ?? wallNow;
  const random = options.random ?? Math.random;
  const retry = config.retry ?? retrySchema.parse({});
  const prices = createPriceTable(config, options.configSource);
  const pool = createChatClientPool();
  const deployments = createDeployments(config, pool);
  const cooldown = createCooldownTracker({ config: config.cooldown ?? cooldownSchema.parse({}), clock });
  const latency: LatencyTracker = createLatencyTracker();
  const latencyKey = (name: string, mode: CallMode) => `${name}\u0000${mode}`;
  const secrets = Object.values(config.deployments).map((d) => d.api_key).filter((k) => k !== "");
  const fallbacks = fallbackMapOf(config.fallbacks);

  const walkFor = (tier: RoutableTier, request: CompletionRequest, ctx: CallContext, mode: CallMode, options: CallOptions) =>
    new ChainWalk({
      chain: options.withinTier ? [tier] : fallbackChain(tier, fallbacks).filter((t) => options.maxTier === undefined || t <= options.maxTier),
      deploymentsOf: (t) => {
        const tierConfig = config.tiers[NAME_OF_TIER[t]];
        return orderDeployments(
          tierConfig.deployments.map((name) => deployments.get(name)!),
          { strategy: tierConfig.strategy, random, latencyOf: (name) => latency.average(latencyKey(name, mode)) },
        );
      },
      request,
      ctx,
      retry,
      cooldown,
      random,
      now,
    });

  const completionOf = (target: Target, content: string, finish: string | null | undefined, usage: Completion["usage"], attempts: Completion["attempts"]): Completion => ({
    content,
    finishReason: finishReasonOf(finish),
    tier: target.tier,
    deployment: target.deployment.name,
    model: target.deployment.config.model,
    attempts,
    usage,
    costPicoUsd: costOf(usage, prices.priceOf(target.deployment.config.model)),
    cacheHit: false,
  });

  /** The attempt's budget hold; undefined when the walk must skip this target. */
  const holdFor = async (spend: SpendGuard | undefined, walk: ChainWalk, target: Target, request: CompletionRequest): Promise<Held | undefined> => {
    if (spend === undefined) return NOT_HELD;
    const hold: SpendHold = await spend.reserve({ deployment: target.deployment.name, model: target.deployment.config.model, tier: target.tier }, request);
    if (hold.kind === "refused") {
      walk.refused(target, hold.error);
      return undefined;
    }
    return createHeld(hold.settle);
  };

  async function complete(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options: CallOptions = {}): Promise<Completion> {
    const walk = walkFor(tier, request, ctx, "unary", options);
    try {
      for (let target = await walk.next(); target !== undefined; target = await walk.next()) {
        const held = await holdFor(options.spend, walk, target, request);
        if (held === undefined) continue;
        const { deployment } = target;
        const started = clock();
        const attempt = attemptSignal(ctx, { timeoutMs: deployment.config.timeout_ms, now: now() });
        let answered = false;
        try {
          const body = chatBody(request, deployment.config, false) as unknown as ChatCompletionCreateParamsNonStreaming;
          const response = await deployment.client.chat.completions.create(body, { signal: attempt.signal });
          // The SDK parsed the whole body: the upstream request is over.
          answered = true;
          const choice = response.choices?.[0];
          if (choice?.message === undefined) throw new MalformedResponseError("no choices");
          const content = choice.message.content ?? "";
          const usage = usageOf(response.usage, request, content);
          const latencyMs = clock() - started;
          walk.healthy(target);
          latency.observe(latencyKey(deployment.name, "unary"), latencyMs);
          walk.succeeded(target, latencyMs);
          const completion = completionOf(target, content, choice.finish_reason, usage, walk.attempts);
          await held.settle(completion.costPicoUsd);
          return completion;
        } catch (err) {
          walk.failed(target, failureOf(err, attempt, ctx, secrets), clock() - started);
        } finally {
          attempt.dispose(answered);
          // A failed attempt bills nothing; settle is a no-op after a success.
          await held.settle(0n);
        }
      }
      throw walk.exhausted();
    } finally {
      walk.dispose();
    }
  }

  async function* stream(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options: CallOptions = {}): AsyncGenerator<ProviderStreamEvent, void, undefined> {
    const walk = walkFor(tier, request, ctx, "stream", options);
    let attempt: AttemptSignal | undefined;
    let held: Held = NOT_HELD;
    let reader: StreamReader | undefined;
    let answering: Target | undefined;
    try {
      // Phase 1: until a first content token, any failure may fall back.
      let live: { target: Target; reader: StreamReader; first: string | undefined; started: number; signal: AttemptSignal } | undefined;
      while (live === undefined) {
        const target = await walk.next();
        if (target === undefined) throw walk.exhausted();
        const hold = await holdFor(options.spend, walk, target, request);
        if (hold === undefined) continue;
        held = hold;
        const { deployment } = target;
        const started = clock();
        attempt = attemptSignal(ctx, { timeoutMs: deployment.config.timeout_ms, ttftMs: deployment.config.ttft_timeout_ms, now: now() });
        let midStream = false;
        try {
          const body = chatBody(request, deployment.config, true) as unknown as ChatCompletionCreateParamsStreaming;
          const upstream = await deployment.client.chat.completions.create(body, { signal: attempt.signal });
          midStream = true;
          reader = new StreamReader(upstream[Symbol.asyncIterator](), attempt);
          live = { target, reader, first: await reader.nextContent(), started, signal: attempt };
          answering = target;
        } catch (err) {
          walk.failed(target, failureOf(err, attempt, ctx, secrets, midStream), clock() - started);
          attempt.dispose();
          attempt = undefined;
          reader = undefined;
          await held.settle(0n);
        }
      }

      // Phase 2: content is reaching the caller; no fallback can be spliced
      // into a half-sent answer. Chunks are pulled only as fast as the caller
      // reads them, so a slow reader slows the upstream (TCP backpressure)
      // instead of growing a buffer here.
      const { target, started, signal } = live;
      const liveReader = live.reader;
      signal.firstToken();
      walk.healthy(target);
      latency.observe(latencyKey(target.deployment.name, "stream"), clock() - started);
      try {
        for (let text = live.first; text !== undefined; text = await liveReader.nextContent()) {
          liveReader.deltas++;
          liveReader.content += text;
          yield { kind: "delta", content: text };
        }
      } catch (err) {
        const failure = failureOf(err, signal, ctx, secrets, true);
        walk.failedAfterDelivery(target, failure, clock() - started);
        const error = streamFailure(target, failure.errorClass, failure.detail, liveReader, request, walk);
        await held.settle(error.streamFailure!.costPicoUsd);
        throw error;
      }
      const usage = usageOf(liveReader.usage, request, liveReader.content);
      walk.succeeded(target, clock() - started);
      const completion = completionOf(target, liveReader.content, liveReader.finish, usage, walk.attempts);
      await held.settle(completion.costPicoUsd);
      yield { kind: "done", completion };
    } finally {
      attempt?.dispose(reader?.ended);
      walk.dispose();
      // The caller stopped reading mid-stream: the budget keeps what was
      // delivered (estimated), never less than the ledger can bill.
      if (!held.settled) {
        const delivered = reader !== undefined && answering !== undefined ? costOf(usageOf(reader.usage, request, reader.content), prices.priceOf(answering.deployment.config.model)) : 0n;
        await held.settle(delivered);
      }
    }
  }

  /** Bills what was delivered (estimated when the upstream sent no usage) and says how much it was. */
  function streamFailure(target: Target, errorClass: ErrorClass, detail: string, reader: StreamReader, request: CompletionRequest, walk: ChainWalk): TierdError {
    const usage = usageOf(reader.usage, request, reader.content);
    const code: ErrorCode = errorClass === ErrorClass.CANCELED ? "canceled" : errorClass === ErrorClass.DEADLINE ? "deadline_exceeded" : "unavailable";
    return new TierdError(
      code,
      `stream from ${target.deployment.name} failed after ${reader.deltas} deltas (${reader.content.length} characters delivered): ${detail}`,
      {
        attempts: walk.attempts,
        streamFailure: {
          deliveredDeltas: reader.deltas,
          deliveredChars: reader.content.length,
          deliveredTokens: usage.outputTokens,
          usage,
          costPicoUsd: costOf(usage, prices.priceOf(target.deployment.config.model)),
          requestId: request.requestId,
        },
      },
    );
  }

  return {
    complete,
    stream,
    prices,
    cooldown,
    close: () => pool.close(),
  };
}

/** Pulls an upstream SSE stream one content delta at a time, noting finish reason and usage on the way. */
class StreamReader {
  content = "";
  deltas = 0;
  finish: string | null = null;
  usage: UpstreamUsage | undefined;
  /** The upstream stream was read to its end ([DONE] or the body's end). */
  ended = false;

  constructor(
    private readonly chunks: AsyncIterator<ChatCompletionChunk>,
    private readonly attempt: AttemptSignal,
  ) {}

  /** The next piece of content, or undefined when the stream ended properly. */
  async nextContent(): Promise<string | undefined> {
    for (;;) {
      let step: IteratorResult<ChatCompletionChunk>;
      try {
        step = await this.chunks.next();
      } catch (err) {
        // The answer was complete (finish reason seen); only the usage chunk
        // or [DONE] was lost. Usage is then estimated.
        if (this.finish !== null) return undefined;
        throw err;
      }
      if (step.done) {
        this.ended = true;
        if (this.finish === null) throw new TruncatedStreamError("stream ended without a finish reason");
        return undefined;
      }
      this.attempt.progress();
      const chunk = step.value;
      if (chunk.usage) this.usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) this.finish = choice.finish_reason;
      const text = choice?.delta?.content;
      if (text) return text;
    }
  }
}

/** A budget hold as the provider uses it: settled at most once, and a settled flag for cleanup. */
interface Held {
  readonly settled: boolean;
  settle(costPicoUsd: bigint): Promise<void>;
}

function createHeld(settle: (costPicoUsd: bigint) => Promise<void>): Held {
  let settled = false;
  return {
    get settled() {
      return settled;
    },
    async settle(cost) {
      if (settled) return;
      settled = true;
      await settle(cost);
    },
  };
}

const NOT_HELD: Held = { settled: true, settle: async () => undefined };
