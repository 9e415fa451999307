// Calls a tier's deployments through OpenAI-compatible APIs, walking the
// fallback chain on failure (chain-walk.ts), and bills the answer exactly.
// Core code: no Connect, no OpenTelemetry setup; the transport's
// cancellation and deadline arrive as a CallContext.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { cooldownSchema, retrySchema, type Config } from "../config/index.js";
import { monotonicNow, wallNow, type MonotonicClock, type WallClock } from "../core/clock.js";
import { silentLogger, type Logger } from "../core/log.js";
import { abortReasonOf, TierdError, type ErrorCode } from "../core/errors.js";
import { ErrorClass, FinishReason, type Attempt, type CallContext, type Completion, type CompletionRequest, type RoutableTier, type ToolCall, type ToolCallDeltaEvent } from "../core/types.js";
import { attemptSignal, failureOf, type AttemptSignal } from "./attempt-signal.js";
import { ChainWalk, type Call, type CallOutcome, type Target } from "./chain-walk.js";
import { createChatClientPool } from "./chat-client.js";
import { chatBody } from "./chat-request.js";
import { finishReasonOf, usageOf, type UpstreamUsage } from "./chat-response.js";
import { createCooldownTracker, type CooldownTracker } from "./cooldown.js";
import { createDeployments } from "./deployment.js";
import { eventStreamBody } from "./dispatcher-fetch.js";
import { chatChunkBatchesOf } from "./sse-chunks.js";
import { orderDeployments } from "./deployment-order.js";
import { fallbackChain, fallbackMapOf } from "./fallback-chain.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { createLatencyTracker, type LatencyTracker } from "./latency-tracker.js";
import { costOf, countAnswerTokens, createPriceTable, type PriceTable } from "../pricing/index.js";

/**
 * How far past max_output_tokens a stream may run before it is cut: tierd
 * counts with its own tokenizer, which can differ from the model's by a few
 * percent, so an answer that honours the limit is never cut.
 */
export function overrunLimit(maxOutputTokens: number): number {
  return Math.ceil(maxOutputTokens * 1.1) + 8;
}
import type { SpendGuard } from "./spend-guard.js";
import { MalformedResponseError, TruncatedStreamError, type UpstreamFailure } from "./upstream-error.js";
import { createUpstreamLog } from "./upstream-log.js";

export type ProviderStreamEvent = StreamPiece | { kind: "done"; completion: Completion };

/** What reaches the caller of a stream as it arrives: text, or a piece of a tool call. */
export type StreamPiece = { kind: "delta"; content: string } | ToolCallDeltaEvent;

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
  /** Upstream failures, fallbacks and breaker changes go here (rate-limited); silent by default. */
  log?: Logger;
  /**
   * With more than this many streams open, the text deltas of one network
   * read go on as one delta (default 256; 0: always, Infinity: never). A
   * reader that keeps up gets one token per read, so this changes nothing
   * until tierd falls behind; then it spends its CPU per read, not per token.
   */
  coalesceAbove?: number;
}

type CallMode = "unary" | "stream";

/** See ProviderOptions.coalesceAbove. */
export const DEFAULT_COALESCE_ABOVE = 256;

export function createProvider(options: ProviderOptions): ProviderWithCooldown {
  const { config } = options;
  const clock = options.clock ?? monotonicNow;
  const now = options.now ?? wallNow;
  const random = options.random ?? Math.random;
  const retry = config.retry ?? retrySchema.parse({});
  const prices = createPriceTable(config, options.configSource);
  const pool = createChatClientPool();
  const deployments = createDeployments(config, pool);
  const upstreamLog = createUpstreamLog(options.log ?? silentLogger, clock);
  const cooldown = createCooldownTracker({
    config: config.cooldown ?? cooldownSchema.parse({}),
    clock,
    onOpen: (name, reason, durationMs) => upstreamLog.breakerOpened(name, reason, durationMs),
    onHalfOpen: (name) => upstreamLog.breakerHalfOpen(name),
    onClose: (name) => upstreamLog.breakerClosed(name),
  });
  const latency: LatencyTracker = createLatencyTracker();
  const latencyKey = (name: string, mode: CallMode) => `${name}\u0000${mode}`;
  const secrets = Object.values(config.deployments).map((d) => d.api_key).filter((k) => k !== "");
  const fallbacks = fallbackMapOf(config.fallbacks);
  const coalesceAbove = options.coalesceAbove ?? DEFAULT_COALESCE_ABOVE;
  let openStreams = 0;
  const coalesce = () => openStreams > coalesceAbove;

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
      clock,
      ...(options.spend === undefined ? {} : { spend: options.spend }),
      onAnswer: (target, latencyMs) => latency.observe(latencyKey(target.deployment.name, mode), latencyMs),
    });

  const completionOf = (
    target: Target,
    content: string,
    toolCalls: ToolCall[],
    finish: string | null | undefined,
    usage: Completion["usage"],
    attempts: Completion["attempts"],
  ): Completion => ({
    content,
    ...(toolCalls.length === 0 ? {} : { toolCalls }),
    // OpenAI says "stop" after a call forced by a named tool_choice; the
    // caller's question is the same (run the tool), so tierd says TOOL_CALLS.
    finishReason: toolCalls.length > 0 && finishReasonOf(finish) === FinishReason.STOP ? FinishReason.TOOL_CALLS : finishReasonOf(finish),
    tier: target.tier,
    deployment: target.deployment.name,
    model: target.deployment.config.model,
    attempts,
    usage,
    costPicoUsd: costOf(usage, prices.priceOf(target.deployment.config.model)),
    cacheHit: false,
  });

  const answerOf = (completion: Completion): CallOutcome<Completion> => ({ ok: true, value: completion, costPicoUsd: completion.costPicoUsd });

  async function complete(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options: CallOptions = {}): Promise<Completion> {
    const walk = walkFor(tier, request, ctx, "unary", options);
    let answered = false;
    try {
      const completion = await walk.complete((call) => unaryCall(call, request, ctx, walk.attempts));
      answered = true;
      return completion;
    } finally {
      upstreamLog.walked(walk.attempts, answered);
    }
  }

  /** One unary call: the whole answer, or why there is none. */
  async function* unaryCall(call: Call, request: CompletionRequest, ctx: CallContext, attempts: Attempt[]): AsyncGenerator<never, CallOutcome<Completion>, undefined> {
    const { target } = call;
    const { deployment } = target;
    const attempt = attemptSignal(ctx, { timeoutMs: deployment.config.timeout_ms, now: now() });
    let answered = false;
    try {
      const body = chatBody(request, deployment.config, false);
      const response = await deployment.client.chat.completions.create(body, { signal: attempt.signal });
      // The SDK parsed the whole body: the upstream request is over.
      answered = true;
      const choice = response.choices?.[0];
      if (choice?.message === undefined) throw new MalformedResponseError("no choices");
      const content = choice.message.content ?? "";
      const toolCalls = toolCallsOf(choice.message.tool_calls);
      return answerOf(completionOf(target, content, toolCalls, choice.finish_reason, usageOf(response.usage, request, content, toolCalls), attempts));
    } catch (err) {
      return { ok: false, failure: failureOf(err, attempt, ctx, secrets) };
    } finally {
      attempt.dispose(answered);
    }
  }

  async function* stream(tier: RoutableTier, request: CompletionRequest, ctx: CallContext, options: CallOptions = {}): AsyncGenerator<ProviderStreamEvent, void, undefined> {
    const walk = walkFor(tier, request, ctx, "stream", options);
    let answered = false;
    openStreams++;
    try {
      const completion = yield* walk.run((call) => streamCall(call, request, ctx, walk.attempts));
      answered = true;
      yield { kind: "done", completion };
    } finally {
      openStreams--;
      upstreamLog.walked(walk.attempts, answered);
    }
  }

  /** One streamed call: its deltas as the caller reads them, then the whole answer, or why it broke off. */
  async function* streamCall(call: Call, request: CompletionRequest, ctx: CallContext, attempts: Attempt[]): AsyncGenerator<ProviderStreamEvent, CallOutcome<Completion>, undefined> {
    const { target } = call;
    const opened = await openStream(target, request, ctx);
    if (!opened.ok) return opened;
    // Content is reaching the caller: any failure from here is final.
    // Chunks are pulled only as fast as the caller reads them, so a slow
    // reader slows the upstream (TCP backpressure) instead of growing a
    // buffer here.
    const { reader, first, signal } = opened;
    signal.firstToken();
    // Should the caller stop reading mid-stream, the budget keeps what was
    // delivered (estimated), never less than the ledger can bill.
    call.billIfAbandoned(() => deliveredCost(target, reader, request));
    const cap = request.params.maxOutputTokens;
    let delivered = 0;
    /** Tokens of the text so far, counted from when it first outgrew the cap in characters, then piece by piece (linear). */
    let counted: number | undefined;
    let overran = false;
    try {
      for (let piece = first; piece !== undefined; piece = await reader.next()) {
        // An upstream that streams past max_output_tokens (the budget
        // reserved for that many) is cut: the piece that crosses the limit
        // is not passed on, the upstream request is aborted, and the stream
        // ends as LENGTH. Nothing is counted while the text is shorter than
        // the cap in characters (a token is at least one character).
        if (cap !== undefined && piece.kind === "delta" && reader.content.length > cap) {
          counted = counted === undefined ? countAnswerTokens(reader.content, undefined) : counted + countAnswerTokens(piece.content, undefined);
          if (counted > overrunLimit(cap)) {
            overran = true;
            break;
          }
        }
        reader.deltas++;
        if (piece.kind === "delta") delivered += piece.content.length;
        yield piece;
      }
    } catch (err) {
      const failure = failureOf(err, signal, ctx, secrets, true);
      return { ok: false, failure, cut: streamFailure(target, failure, reader, request, attempts, ctx) };
    } finally {
      signal.dispose(reader.ended);
    }
    const toolCalls = reader.toolCalls();
    if (overran) {
      // Billed for what the upstream produced (its usage never came: estimated), answered with what was delivered.
      upstreamLog.overran(target.deployment.name, cap!);
      const usage = usageOf(undefined, request, reader.content, toolCalls);
      return answerOf(completionOf(target, reader.content.slice(0, delivered), toolCalls, "length", usage, attempts));
    }
    return answerOf(completionOf(target, reader.content, toolCalls, reader.finish, usageOf(reader.usage, request, reader.content, toolCalls), attempts));
  }

  /** Until a first content token (or a proper end without one), a failure may still fall back. */
  async function openStream(target: Target, request: CompletionRequest, ctx: CallContext): Promise<OpenedStream | { ok: false; failure: UpstreamFailure }> {
    const { deployment } = target;
    const signal = attemptSignal(ctx, { timeoutMs: deployment.config.timeout_ms, ttftMs: deployment.config.ttft_timeout_ms, now: now() });
    let reader: StreamReader | undefined;
    try {
      const body = chatBody(request, deployment.config, true);
      // The SDK makes the request (an error status throws its APIError); the
      // body is parsed here, straight from undici's stream (sse-chunks.ts).
      const response = await deployment.client.chat.completions.create(body, { signal: signal.signal }).asResponse();
      const raw = eventStreamBody(response) ?? (response.body === null ? undefined : Readable.fromWeb(response.body as NodeReadableStream));
      if (raw === undefined) throw new MalformedResponseError("the streamed answer has no body");
      reader = new StreamReader(chatChunkBatchesOf(raw, response.headers), signal, coalesce);
      return { ok: true, reader, first: await reader.next(), signal };
    } catch (err) {
      // Headers arrived: a dropped connection now is a truncated stream.
      const failure = failureOf(err, signal, ctx, secrets, reader !== undefined);
      signal.dispose();
      return { ok: false, failure };
    }
  }

  /** What the caller got before the stream stopped (estimated when the upstream sent no usage). */
  function deliveredCost(target: Target, reader: StreamReader, request: CompletionRequest): bigint {
    return costOf(usageOf(reader.usage, request, reader.content, reader.toolCalls()), prices.priceOf(target.deployment.config.model));
  }

  /** What a broken-off stream delivered and billed (estimated when the upstream sent no usage), and the caller's error saying so. */
  function streamFailure(
    target: Target,
    failure: UpstreamFailure,
    reader: StreamReader,
    request: CompletionRequest,
    attempts: Attempt[],
    ctx: CallContext,
  ): { costPicoUsd: bigint; error: TierdError } {
    const usage = usageOf(reader.usage, request, reader.content, reader.toolCalls());
    const costPicoUsd = costOf(usage, prices.priceOf(target.deployment.config.model));
    const { errorClass } = failure;
    // A cancel that came from a server stop is the server's (UNAVAILABLE), not the caller's.
    const stopping = errorClass === ErrorClass.CANCELED ? abortReasonOf(ctx.signal) : undefined;
    const detail = stopping?.message ?? failure.detail;
    const code: ErrorCode = stopping?.code ?? (errorClass === ErrorClass.CANCELED ? "canceled" : errorClass === ErrorClass.DEADLINE ? "deadline_exceeded" : "unavailable");
    const error = new TierdError(
      code,
      `stream from ${target.deployment.name} failed after ${reader.deltas} deltas (${reader.content.length} characters delivered): ${detail}`,
      {
        attempts,
        streamFailure: {
          deliveredDeltas: reader.deltas,
          deliveredChars: reader.content.length,
          deliveredTokens: usage.outputTokens,
          usage,
          costPicoUsd,
          requestId: request.requestId,
        },
      },
    );
    return { costPicoUsd, error };
  }

  return {
    complete,
    stream,
    prices,
    cooldown,
    close: () => pool.close(),
  };
}

/**
 * Pulls an upstream SSE stream one piece at a time (a text delta, or a piece
 * of a tool call), noting finish reason and usage on the way, and assembling
 * the tool calls for the summary from the same pieces the caller gets.
 */
class StreamReader {
  content = "";
  deltas = 0;
  finish: string | null = null;
  usage: UpstreamUsage | undefined;
  /** The upstream stream was read to its end ([DONE] or the body's end). */
  ended = false;
  /** Tool calls by the upstream's index, as assembled so far. */
  private readonly calls = new Map<number, ToolCall>();
  /**
   * What a read brought and was not handed out yet (a chunk may carry text
   * and several calls, a read several chunks). Content and calls are
   * assembled as pieces are handed out, so they say what the caller got.
   */
  private readonly pending: ({ text: string } | { tool: ChatCompletionChunk.Choice.Delta.ToolCall })[] = [];

  constructor(
    private readonly chunks: AsyncIterator<ChatCompletionChunk[]>,
    private readonly attempt: AttemptSignal,
    /** Asked per network read that carried several chunks: pass their text on as one delta? */
    private readonly coalesce: () => boolean,
  ) {}

  /** The next piece, or undefined when the stream ended properly. */
  async next(): Promise<StreamPiece | undefined> {
    for (;;) {
      const queued = this.pending.shift();
      if (queued !== undefined) {
        if ("tool" in queued) return this.toolPiece(queued.tool);
        this.content += queued.text;
        return { kind: "delta", content: queued.text };
      }
      let step: IteratorResult<ChatCompletionChunk[]>;
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
      const merge = step.value.length > 1 && this.coalesce();
      for (const chunk of step.value) {
        if (chunk.usage) this.usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) this.finish = choice.finish_reason;
        const text = choice?.delta?.content;
        if (text) {
          const last = merge ? this.pending[this.pending.length - 1] : undefined;
          if (last !== undefined && "text" in last) last.text += text;
          else this.pending.push({ text });
        }
        for (const tool of choice?.delta?.tool_calls ?? []) this.pending.push({ tool });
      }
    }
  }

  /** The assembled calls, in index order. */
  toolCalls(): ToolCall[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => ({ ...c }));
  }

  private toolPiece(d: ChatCompletionChunk.Choice.Delta.ToolCall): ToolCallDeltaEvent {
    const index = Number.isSafeInteger(d.index) && d.index >= 0 ? d.index : this.calls.size;
    let call = this.calls.get(index);
    if (call === undefined) {
      call = { id: "", name: "", arguments: "" };
      this.calls.set(index, call);
    }
    const piece: ToolCallDeltaEvent = { kind: "tool_call", index, arguments: d.function?.arguments ?? "" };
    // Providers send id and name once, in a call's first piece; some repeat
    // them. The caller gets each once.
    if (d.id && call.id === "") {
      call.id = d.id;
      piece.id = d.id;
    }
    if (d.function?.name && call.name === "") {
      call.name = d.function.name;
      piece.name = d.function.name;
    }
    call.arguments += piece.arguments;
    return piece;
  }
}

/** The function calls of a whole answer (custom tools are not part of the API tierd serves). */
function toolCallsOf(calls: readonly { id: string; type: string; function?: { name: string; arguments: string } }[] | undefined): ToolCall[] {
  const out: ToolCall[] = [];
  for (const c of calls ?? []) if (c.type === "function" && c.function !== undefined) out.push({ id: c.id, name: c.function.name, arguments: c.function.arguments });
  return out;
}

/** A stream whose first content token (or proper end) arrived. */
interface OpenedStream {
  ok: true;
  reader: StreamReader;
  /** Undefined when the stream ended properly without content. */
  first: StreamPiece | undefined;
  signal: AttemptSignal;
}
