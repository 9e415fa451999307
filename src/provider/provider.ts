// Calls a tier's deployments through OpenAI-compatible APIs, walking the
// fallback chain on failure, and bills the answer exactly. Core code: no
// Connect, no OpenTelemetry setup; the transport's cancellation and deadline
// arrive as a CallContext.
import type OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { Config, DeploymentConfig } from "../config/index.js";
import { monotonicNow, preciseWallNow, roundMs, type MonotonicClock } from "../core/clock.js";
import { TierdError, type ErrorCode } from "../core/errors.js";
import {
  AttemptOutcome,
  ErrorClass,
  FinishReason,
  type Attempt,
  type CallContext,
  type Completion,
  type CompletionRequest,
  type RoutableTier,
  type Usage,
} from "../core/types.js";
import { createChatClientPool, type ChatClientPool } from "./chat-client.js";
import { fallbackChain, fallbackMapOf, NAME_OF_TIER, type FallbackMap } from "./fallback-chain.js";
import { costOf, createPriceTable, type PriceTable } from "./pricing.js";
import { countMessageTokens, countTextTokens } from "./tokens.js";
import {
  AttemptTimeoutError,
  classifyUpstreamError,
  MalformedResponseError,
  TruncatedStreamError,
  type UpstreamFailure,
} from "./upstream-error.js";

export type ProviderStreamEvent = { kind: "delta"; content: string } | { kind: "done"; completion: Completion };

export interface Provider {
  /** A whole completion from the first tier of the chain that can answer. */
  complete(tier: RoutableTier, request: CompletionRequest, ctx: CallContext): Promise<Completion>;
  /**
   * A streamed completion. Falls back until the first delta is yielded; after
   * that a failure throws TierdError("unavailable") with `streamFailure`.
   */
  stream(tier: RoutableTier, request: CompletionRequest, ctx: CallContext): AsyncGenerator<ProviderStreamEvent, void, undefined>;
  readonly prices: PriceTable;
  close(): Promise<void>;
}

export interface ProviderOptions {
  config: Pick<Config, "deployments" | "tiers" | "fallbacks" | "pricing">;
  /** Names the config in pricing errors. */
  configSource?: string;
  clock?: MonotonicClock;
}

interface Deployment {
  name: string;
  config: DeploymentConfig;
  client: OpenAI;
}

export function createProvider(options: ProviderOptions): Provider {
  const { config } = options;
  const clock = options.clock ?? monotonicNow;
  const prices = createPriceTable(config, options.configSource);
  const pool: ChatClientPool = createChatClientPool();
  const secrets = Object.values(config.deployments).map((d) => d.api_key).filter((k) => k !== "");
  const deployments = new Map<string, Deployment>();
  for (const [name, d] of Object.entries(config.deployments)) {
    deployments.set(name, { name, config: d, client: pool.clientFor({ baseUrl: d.base_url, apiKey: d.api_key, headers: d.headers }) });
  }
  const tierDeployments = (tier: RoutableTier): Deployment[] =>
    config.tiers[NAME_OF_TIER[tier]].deployments.map((name) => deployments.get(name)!);
  const fallbacks: FallbackMap = fallbackMapOf(config.fallbacks);

  async function complete(tier: RoutableTier, request: CompletionRequest, ctx: CallContext): Promise<Completion> {
    const attempts: Attempt[] = [];
    const plan = new ChainPlan(fallbackChain(tier, fallbacks), tierDeployments);
    for (let step = plan.next(); step !== undefined; step = plan.next()) {
      const { deployment, tier: stepTier } = step;
      throwIfDone(ctx, attempts);
      const started = clock();
      const attempt = attemptSignal(ctx, deployment.config.timeout_ms);
      try {
        const response = await deployment.client.chat.completions.create(chatBody(request, deployment.config.model, false) as ChatCompletionCreateParamsNonStreaming, {
          signal: attempt.signal,
        });
        const choice = response.choices?.[0];
        if (choice === undefined || choice.message === undefined) throw new MalformedResponseError("no choices");
        const content = choice.message.content ?? "";
        const usage = usageOf(response.usage, request, content);
        attempts.push(success(deployment, stepTier, clock() - started));
        return {
          content,
          finishReason: finishReasonOf(choice.finish_reason),
          tier: stepTier,
          deployment: deployment.name,
          model: deployment.config.model,
          attempts,
          usage,
          costPicoUsd: costOf(usage, prices.priceOf(deployment.config.model)),
          cacheHit: false,
        };
      } catch (err) {
        const failure = failureOf(err, attempt, ctx, secrets);
        attempts.push(failed(deployment, stepTier, clock() - started, failure));
        plan.onFailure(failure, attempts);
      } finally {
        attempt.dispose();
      }
    }
    throw plan.exhausted(attempts);
  }

  async function* stream(
    tier: RoutableTier,
    request: CompletionRequest,
    ctx: CallContext,
  ): AsyncGenerator<ProviderStreamEvent, void, undefined> {
    const attempts: Attempt[] = [];
    const plan = new ChainPlan(fallbackChain(tier, fallbacks), tierDeployments);
    for (let step = plan.next(); step !== undefined; step = plan.next()) {
      const { deployment, tier: stepTier } = step;
      throwIfDone(ctx, attempts);
      const started = clock();
      const attempt = attemptSignal(ctx, deployment.config.timeout_ms, deployment.config.ttft_timeout_ms);
      let delivered = "";
      let deltas = 0;
      let finish: string | null = null;
      let upstreamUsage: OpenAI.CompletionUsage | undefined;
      try {
        const upstream = await deployment.client.chat.completions.create(chatBody(request, deployment.config.model, true) as ChatCompletionCreateParamsStreaming, {
          signal: attempt.signal,
        });
        for await (const chunk of upstream as AsyncIterable<ChatCompletionChunk>) {
          if (chunk.usage) upstreamUsage = chunk.usage;
          const choice = chunk.choices?.[0];
          if (choice === undefined) continue;
          const text = choice.delta?.content;
          if (text) {
            attempt.firstToken();
            deltas++;
            delivered += text;
            yield { kind: "delta", content: text };
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
        if (finish === null) throw new TruncatedStreamError("stream ended without a finish reason");
        const usage = usageOf(upstreamUsage, request, delivered);
        attempts.push(success(deployment, stepTier, clock() - started));
        yield {
          kind: "done",
          completion: {
            content: delivered,
            finishReason: finishReasonOf(finish),
            tier: stepTier,
            deployment: deployment.name,
            model: deployment.config.model,
            attempts,
            usage,
            costPicoUsd: costOf(usage, prices.priceOf(deployment.config.model)),
            cacheHit: false,
          },
        };
        return;
      } catch (err) {
        const failure = failureOf(err, attempt, ctx, secrets);
        attempts.push(failed(deployment, stepTier, clock() - started, failure));
        if (deltas > 0) {
          // Content already reached the caller: no fallback can be spliced
          // into a half-sent answer. Bill what was delivered and say so.
          const usage = usageOf(upstreamUsage, request, delivered, true);
          const cost = costOf(usage, prices.priceOf(deployment.config.model));
          const code: ErrorCode = failure.errorClass === ErrorClass.CANCELED ? "canceled" : failure.errorClass === ErrorClass.DEADLINE ? "deadline_exceeded" : "unavailable";
          throw new TierdError(code, `stream from ${deployment.name} failed after ${deltas} deltas (${delivered.length} characters delivered): ${failure.detail}`, {
            attempts,
            streamFailure: {
              deliveredDeltas: deltas,
              deliveredChars: delivered.length,
              deliveredTokens: usage.outputTokens,
              usage,
              costPicoUsd: cost,
              requestId: request.requestId,
            },
          });
        }
        plan.onFailure(failure, attempts);
      } finally {
        attempt.dispose();
      }
    }
    throw plan.exhausted(attempts);
  }

  return {
    complete,
    stream,
    prices,
    close: () => pool.close(),
  };
}

/**
 * Walks tiers and their deployments in order and decides, after each
 * failure, whether the walk goes on. Bad requests stop it; an upstream
 * credential failure never escalates to a pricier tier.
 */
class ChainPlan {
  private tierIndex = 0;
  private deploymentIndex = 0;
  private stopped: TierdError | undefined;
  private authFailureInTier = false;
  private otherFailureInTier = false;

  constructor(
    private readonly tiers: RoutableTier[],
    private readonly deploymentsOf: (tier: RoutableTier) => Deployment[],
  ) {}

  next(): { tier: RoutableTier; deployment: Deployment } | undefined {
    if (this.stopped) throw this.stopped;
    while (this.tierIndex < this.tiers.length) {
      const tier = this.tiers[this.tierIndex]!;
      const list = this.deploymentsOf(tier);
      if (this.deploymentIndex < list.length) {
        return { tier, deployment: list[this.deploymentIndex++]! };
      }
      if (this.authFailureInTier && !this.otherFailureInTier) {
        // Every deployment of the tier refused its credentials: escalating
        // would spend a pricier tier's money to hide a configuration fault.
        this.tierIndex = this.tiers.length;
        break;
      }
      this.tierIndex++;
      this.deploymentIndex = 0;
      this.authFailureInTier = false;
      this.otherFailureInTier = false;
    }
    return undefined;
  }

  onFailure(failure: UpstreamFailure, attempts: Attempt[]): void {
    switch (failure.errorClass) {
      case ErrorClass.BAD_REQUEST:
        this.stopped = new TierdError("invalid_argument", `upstream rejected the request: ${failure.detail}`, { attempts });
        return;
      case ErrorClass.NOT_FOUND:
        this.stopped = new TierdError("not_found", `upstream does not know the model or route: ${failure.detail}`, { attempts });
        return;
      case ErrorClass.DEADLINE:
        this.stopped = new TierdError("deadline_exceeded", "deadline exceeded while waiting for the upstream", { attempts });
        return;
      case ErrorClass.CANCELED:
        this.stopped = new TierdError("canceled", "the caller cancelled the request", { attempts });
        return;
      case ErrorClass.UPSTREAM_AUTH:
        this.authFailureInTier = true;
        return;
      default:
        this.otherFailureInTier = true;
    }
  }

  exhausted(attempts: Attempt[]): TierdError {
    if (this.stopped) return this.stopped;
    const failures = attempts.filter((a) => a.outcome === AttemptOutcome.FAILURE);
    const last = failures[failures.length - 1];
    if (last === undefined) return new TierdError("unavailable", "no deployment is available for this tier", { attempts });
    if (failures.every((a) => a.errorClass === ErrorClass.UPSTREAM_AUTH)) {
      const names = [...new Set(failures.map((a) => a.deployment))].join(", ");
      return new TierdError(
        "unavailable",
        `upstream refused the credentials configured for deployment ${names}; fix its api_key (the caller's credentials are not at fault)`,
        { attempts },
      );
    }
    const summary = failures.map((a) => `${a.deployment}: ${ErrorClass[a.errorClass]}`).join("; ");
    const code: ErrorCode =
      last.errorClass === ErrorClass.RATE_LIMITED ? "resource_exhausted" : last.errorClass === ErrorClass.TIMEOUT ? "deadline_exceeded" : "unavailable";
    return new TierdError(code, `every deployment in the fallback chain failed (${summary})`, { attempts });
  }
}

interface AttemptSignal {
  signal: AbortSignal;
  /** Which of our own timers fired, if any. */
  timedOut(): "request" | "ttft" | undefined;
  firstToken(): void;
  dispose(): void;
}

/** One attempt's abort signal: caller cancel, deadline, request timeout and first-token timeout. */
function attemptSignal(ctx: CallContext, timeoutMs: number, ttftMs?: number): AttemptSignal {
  const controller = new AbortController();
  let fired: "request" | "ttft" | undefined;
  const remaining = ctx.deadlineAt === undefined ? Infinity : ctx.deadlineAt - Date.now();
  const requestTimer = setTimeout(() => {
    fired = "request";
    controller.abort(new AttemptTimeoutError(`attempt timed out after ${timeoutMs} ms`));
  }, Math.max(0, Math.min(timeoutMs, remaining)));
  let ttftTimer: NodeJS.Timeout | undefined =
    ttftMs === undefined
      ? undefined
      : setTimeout(() => {
          fired = "ttft";
          controller.abort(new AttemptTimeoutError(`no first token within ${ttftMs} ms`));
        }, Math.max(0, Math.min(ttftMs, remaining)));
  const onCallerAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  else ctx.signal.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    firstToken() {
      if (ttftTimer !== undefined) {
        clearTimeout(ttftTimer);
        ttftTimer = undefined;
      }
    },
    dispose() {
      clearTimeout(requestTimer);
      if (ttftTimer !== undefined) clearTimeout(ttftTimer);
      ctx.signal.removeEventListener("abort", onCallerAbort);
      if (!controller.signal.aborted) controller.abort();
    },
  };
}

function failureOf(err: unknown, attempt: AttemptSignal, ctx: CallContext, secrets: readonly string[]): UpstreamFailure {
  if (ctx.signal.aborted) {
    const deadline = ctx.deadlineAt !== undefined && Date.now() >= ctx.deadlineAt - 1;
    return deadline
      ? { errorClass: ErrorClass.DEADLINE, httpStatus: 0, detail: "caller deadline passed" }
      : { errorClass: ErrorClass.CANCELED, httpStatus: 0, detail: "caller cancelled" };
  }
  const which = attempt.timedOut();
  if (which !== undefined) {
    if (ctx.deadlineAt !== undefined && Date.now() >= ctx.deadlineAt - 1) {
      return { errorClass: ErrorClass.DEADLINE, httpStatus: 0, detail: "caller deadline passed" };
    }
    return { errorClass: ErrorClass.TIMEOUT, httpStatus: 0, detail: which === "ttft" ? "no first token in time" : "attempt timed out" };
  }
  return classifyUpstreamError(err, secrets);
}

function throwIfDone(ctx: CallContext, attempts: Attempt[]): void {
  if (!ctx.signal.aborted) return;
  const deadline = ctx.deadlineAt !== undefined && Date.now() >= ctx.deadlineAt - 1;
  throw deadline
    ? new TierdError("deadline_exceeded", "deadline exceeded", { attempts })
    : new TierdError("canceled", "the caller cancelled the request", { attempts });
}

function success(deployment: Deployment, tier: RoutableTier, latencyMs: number): Attempt {
  return {
    startedAt: preciseWallNow() - latencyMs,
    deployment: deployment.name,
    model: deployment.config.model,
    tier,
    outcome: AttemptOutcome.SUCCESS,
    errorClass: ErrorClass.UNSPECIFIED,
    latencyMs: roundMs(latencyMs),
    httpStatus: 200,
    detail: "",
  };
}

function failed(deployment: Deployment, tier: RoutableTier, latencyMs: number, failure: UpstreamFailure): Attempt {
  return {
    startedAt: preciseWallNow() - latencyMs,
    deployment: deployment.name,
    model: deployment.config.model,
    tier,
    outcome: AttemptOutcome.FAILURE,
    errorClass: failure.errorClass,
    latencyMs: roundMs(latencyMs),
    httpStatus: failure.httpStatus,
    detail: failure.detail,
  };
}

function chatBody(request: CompletionRequest, model: string, stream: boolean): unknown {
  const p = request.params;
  const body: Record<string, unknown> = {
    model,
    messages: request.messages.map(toOpenAIMessage),
    stream,
  };
  if (stream) body.stream_options = { include_usage: true };
  if (p.maxOutputTokens !== undefined) body.max_tokens = p.maxOutputTokens;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.topP !== undefined) body.top_p = p.topP;
  if (p.stop.length > 0) body.stop = p.stop;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.responseFormat === "json_object") body.response_format = { type: "json_object" };
  return body;
}

function toOpenAIMessage(m: CompletionRequest["messages"][number]): ChatCompletionMessageParam {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.name) out.name = m.name;
  if (m.role === "tool") out.tool_call_id = m.toolCallId ?? "";
  return out as unknown as ChatCompletionMessageParam;
}

type UpstreamUsage = OpenAI.CompletionUsage & {
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  cache_creation_input_tokens?: number;
};

/** Normalises provider usage; counts locally (and says so) when there is none. */
function usageOf(raw: UpstreamUsage | undefined | null, request: CompletionRequest, content: string, partial = false): Usage {
  if (raw && typeof raw.prompt_tokens === "number" && typeof raw.completion_tokens === "number") {
    return {
      inputTokens: raw.prompt_tokens,
      outputTokens: raw.completion_tokens,
      cachedInputTokens: raw.prompt_tokens_details?.cached_tokens ?? 0,
      reasoningTokens: raw.completion_tokens_details?.reasoning_tokens ?? 0,
      cacheWriteTokens: raw.prompt_tokens_details?.cache_write_tokens ?? raw.cache_creation_input_tokens ?? 0,
      estimated: false,
    };
  }
  void partial;
  return {
    inputTokens: countMessageTokens(request.messages),
    outputTokens: countTextTokens(content),
    cachedInputTokens: 0,
    reasoningTokens: 0,
    cacheWriteTokens: 0,
    estimated: true,
  };
}

function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
      return FinishReason.STOP;
    case "length":
      return FinishReason.LENGTH;
    case "content_filter":
      return FinishReason.CONTENT_FILTER;
    case "tool_calls":
    case "function_call":
      return FinishReason.TOOL_CALLS;
    default:
      return FinishReason.UNSPECIFIED;
  }
}
