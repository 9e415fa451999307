// Spans and metrics for routed requests, built from the router's outcomes:
// a `route` (or `classify`) span with the decision and the bill, and one
// GenAI client span per upstream attempt, placed in time from the attempt's
// own start and latency. No prompt, completion or key goes into a span
// unless content capture is on.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Meter, type Span, type Tracer } from "@opentelemetry/api";
import type { Config } from "../config/index.js";
import { AttemptOutcome, DecisionStage, ErrorClass, FinishReason, RoutingMode, type Attempt } from "../core/types.js";
import { picoToUsd } from "../pricing/index.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import type { RequestOutcome, RouteObserver } from "../router/index.js";
import * as sc from "./semconv.js";

export interface RouteTelemetryOptions {
  tracer: Tracer;
  meter: Meter;
  /** Deployments, for server.address/port of attempt spans. */
  deployments: Config["deployments"];
  /** Put prompt and completion text on attempt spans (off by default). */
  captureContent?: boolean;
}

export function createRouteTelemetry(options: RouteTelemetryOptions): RouteObserver {
  const { tracer, meter } = options;
  const captureContent = options.captureContent ?? false;
  const servers = new Map(Object.entries(options.deployments).map(([name, d]) => [name, serverOf(d.base_url)]));

  const requests = meter.createCounter(sc.METRIC_TIERD_REQUESTS, { description: "Requests by kind, tier, decision stage and status.", unit: "{request}" });
  const cost = meter.createCounter(sc.METRIC_TIERD_COST, { description: "Cost billed, by tier and decision stage.", unit: "USD" });
  const tokenUsage = meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
    description: "Input and output tokens per upstream call.",
    unit: "{token}",
    advice: { explicitBucketBoundaries: sc.TOKEN_USAGE_BUCKETS },
  });
  const duration = meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
    description: "Duration of upstream calls.",
    unit: "s",
    advice: { explicitBucketBoundaries: sc.DURATION_BUCKETS_S },
  });
  const requestDuration = meter.createHistogram(sc.METRIC_TIERD_REQUEST_DURATION, {
    description: "Time inside tierd, arrival to outcome, by request kind, tier, deployment and status.",
    unit: "s",
    advice: { explicitBucketBoundaries: sc.DURATION_BUCKETS_S },
  });
  const attemptCount = meter.createCounter(sc.METRIC_TIERD_UPSTREAM_ATTEMPTS, {
    description: "Upstream attempts by deployment, tier and outcome (success, failure with its error.type, or skipped by an open breaker).",
    unit: "{attempt}",
  });
  const fallbacks = meter.createCounter(sc.METRIC_TIERD_FALLBACKS, {
    description: "Requests answered by another deployment than the first one tried, by decided tier, serving tier and deployment.",
    unit: "{request}",
  });
  const firstChunk = meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK, {
    description: "Streaming: from the answering upstream call's start to its first content chunk.",
    unit: "s",
    advice: { explicitBucketBoundaries: sc.DURATION_BUCKETS_S },
  });

  return {
    begin(start) {
      const span = tracer.startSpan(
        start.kind === "classify" ? "classify" : "route",
        {
          kind: SpanKind.INTERNAL,
          startTime: start.startedAt,
          attributes: {
            [sc.ATTR_TIERD_REQUEST_KIND]: start.kind,
            [sc.ATTR_TIERD_REQUEST_ID]: start.request.requestId,
            [sc.ATTR_TIERD_ENDPOINT]: start.request.endpoint,
          },
        },
        context.active(),
      );
      // Captured now: the outcome may be reported from another async context.
      const parent = trace.setSpan(context.active(), span);
      return {
        end(outcome) {
          const tier = outcome.completion?.tier ?? outcome.decision?.tier;
          const status = outcome.failure?.code ?? "ok";
          span.setAttributes(routeAttributes(outcome));
          if (outcome.failure !== undefined && outcome.failure.code !== "canceled") {
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure.message });
          }
          outcome.attempts.forEach((attempt, i) => {
            const answering = i === outcome.attempts.length - 1 && (outcome.completion !== undefined || outcome.usage.outputTokens > 0);
            recordAttempt(parent, outcome, attempt, answering);
          });
          span.end(outcome.startedAt + outcome.latencyMs);

          const metricAttrs: Attributes = {
            [sc.ATTR_TIERD_REQUEST_KIND]: outcome.kind,
            [sc.ATTR_TIERD_TIER]: tier === undefined ? "none" : NAME_OF_TIER[tier],
            [sc.ATTR_TIERD_DECIDED_BY]: outcome.decision === undefined ? "none" : stage(outcome.decision.decidedBy),
            // Bounded: deployment names come from the config.
            [sc.ATTR_TIERD_DEPLOYMENT]: outcome.completion?.deployment ?? "none",
          };
          requests.add(1, { ...metricAttrs, [sc.ATTR_TIERD_STATUS]: status });
          if (outcome.costPicoUsd > 0n) cost.add(picoToUsd(outcome.costPicoUsd), metricAttrs);
          requestDuration.record(outcome.latencyMs / 1000, {
            [sc.ATTR_TIERD_REQUEST_KIND]: outcome.kind,
            [sc.ATTR_TIERD_TIER]: metricAttrs[sc.ATTR_TIERD_TIER],
            [sc.ATTR_TIERD_DEPLOYMENT]: metricAttrs[sc.ATTR_TIERD_DEPLOYMENT],
            [sc.ATTR_TIERD_STATUS]: status,
          });
          const first = outcome.attempts[0];
          if (outcome.completion !== undefined && outcome.decision !== undefined && first !== undefined && first.deployment !== outcome.completion.deployment) {
            fallbacks.add(1, {
              [sc.ATTR_TIERD_TIER]: NAME_OF_TIER[outcome.decision.tier],
              [sc.ATTR_TIERD_SERVED_TIER]: NAME_OF_TIER[outcome.completion.tier],
              [sc.ATTR_TIERD_DEPLOYMENT]: outcome.completion.deployment,
            });
          }
        },
      };
    },
  };

  function recordAttempt(parent: ReturnType<typeof trace.setSpan>, outcome: RequestOutcome, a: Attempt, answering: boolean): void {
    const server = servers.get(a.deployment);
    const attrs: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_CHAT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: providerOf(a.model),
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: a.model,
      [sc.ATTR_TIERD_DEPLOYMENT]: a.deployment,
      [sc.ATTR_TIERD_TIER]: NAME_OF_TIER[a.tier],
      [sc.ATTR_TIERD_ATTEMPT_OUTCOME]: a.outcome === AttemptOutcome.SUCCESS ? "success" : a.outcome === AttemptOutcome.SKIPPED ? "skipped" : "failure",
      ...(server === undefined ? {} : { [sc.ATTR_SERVER_ADDRESS]: server.address, [sc.ATTR_SERVER_PORT]: server.port }),
      ...(a.httpStatus > 0 ? { [sc.ATTR_HTTP_RESPONSE_STATUS_CODE]: a.httpStatus } : {}),
    };
    const errorType = a.errorClass === ErrorClass.UNSPECIFIED ? undefined : lower(ErrorClass[a.errorClass]);
    if (errorType !== undefined) attrs[sc.ATTR_ERROR_TYPE] = errorType;
    attemptCount.add(1, {
      [sc.ATTR_TIERD_DEPLOYMENT]: a.deployment,
      [sc.ATTR_TIERD_TIER]: NAME_OF_TIER[a.tier],
      [sc.ATTR_TIERD_ATTEMPT_OUTCOME]: attrs[sc.ATTR_TIERD_ATTEMPT_OUTCOME],
      ...(errorType !== undefined && a.outcome === AttemptOutcome.FAILURE ? { [sc.ATTR_ERROR_TYPE]: errorType } : {}),
    });
    const { usage, completion } = outcome;
    if (answering) {
      attrs[sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
      attrs[sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
      attrs[sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cachedInputTokens;
      if (completion !== undefined) {
        attrs[sc.ATTR_GEN_AI_RESPONSE_MODEL] = completion.model;
        attrs[sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [lower(FinishReason[completion.finishReason])];
      }
      if (captureContent) {
        attrs[sc.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(
          outcome.request.messages.map((m) => ({ role: m.role, parts: [{ type: "text", content: m.content }] })),
        );
        if (completion !== undefined) {
          attrs[sc.ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify([
            { role: "assistant", parts: [{ type: "text", content: completion.content }], finish_reason: lower(FinishReason[completion.finishReason]) },
          ]);
        }
      }
    }
    const span: Span = tracer.startSpan(`${sc.GEN_AI_OPERATION_CHAT} ${a.model}`, { kind: SpanKind.CLIENT, startTime: a.startedAt, attributes: attrs }, parent);
    if (a.outcome === AttemptOutcome.FAILURE) span.setStatus({ code: SpanStatusCode.ERROR, message: a.detail });
    span.end(a.startedAt + a.latencyMs);

    if (a.outcome === AttemptOutcome.SKIPPED) return;
    const metricAttrs: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_CHAT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: attrs[sc.ATTR_GEN_AI_PROVIDER_NAME],
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: a.model,
      ...(server === undefined ? {} : { [sc.ATTR_SERVER_ADDRESS]: server.address }),
      // Beyond the GenAI conventions' set (which allow more): which of tierd's deployments, for which tier.
      [sc.ATTR_TIERD_DEPLOYMENT]: a.deployment,
      [sc.ATTR_TIERD_TIER]: NAME_OF_TIER[a.tier],
    };
    duration.record(a.latencyMs / 1000, errorType === undefined ? { ...metricAttrs, [sc.ATTR_GEN_AI_RESPONSE_MODEL]: a.model } : { ...metricAttrs, [sc.ATTR_ERROR_TYPE]: errorType });
    if (answering && !usage.estimated) {
      tokenUsage.record(usage.inputTokens, { ...metricAttrs, [sc.ATTR_GEN_AI_TOKEN_TYPE]: "input" });
      tokenUsage.record(usage.outputTokens, { ...metricAttrs, [sc.ATTR_GEN_AI_TOKEN_TYPE]: "output" });
    }
    // The first delta always comes from the last attempt: fallback stops at the first delta.
    if (answering && outcome.firstTokenAt !== undefined) {
      firstChunk.record(Math.max(0, outcome.firstTokenAt - a.startedAt) / 1000, metricAttrs);
    }
  }
}

function routeAttributes(outcome: RequestOutcome): Attributes {
  const { decision, completion } = outcome;
  const attrs: Attributes = {
    [sc.ATTR_TIERD_STATUS]: outcome.failure?.code ?? "ok",
    [sc.ATTR_TIERD_FALLBACKS]: Math.max(0, outcome.attempts.length - 1),
  };
  if (outcome.failure !== undefined) attrs[sc.ATTR_ERROR_TYPE] = outcome.failure.code;
  if (decision !== undefined) {
    attrs[sc.ATTR_TIERD_TIER] = NAME_OF_TIER[decision.tier];
    attrs[sc.ATTR_TIERD_DECIDED_BY] = stage(decision.decidedBy);
    attrs[sc.ATTR_TIERD_SCORE] = decision.score;
    attrs[sc.ATTR_TIERD_CONFIDENCE] = decision.confidence;
    attrs[sc.ATTR_TIERD_MODE] = lower(RoutingMode[decision.mode]);
    if (decision.shadow !== undefined) attrs[sc.ATTR_TIERD_SHADOW_TIER] = NAME_OF_TIER[decision.shadow.tier];
  }
  if (outcome.kind !== "classify") {
    attrs[sc.ATTR_TIERD_COST_USD] = picoToUsd(outcome.costPicoUsd);
    attrs[sc.ATTR_TIERD_CACHE_HIT] = completion?.cacheHit ?? false;
  }
  if (completion !== undefined) {
    attrs[sc.ATTR_TIERD_SERVED_TIER] = NAME_OF_TIER[completion.tier];
    attrs[sc.ATTR_TIERD_DEPLOYMENT] = completion.deployment;
  }
  return attrs;
}

/**
 * gen_ai.provider.name from a gateway-style model string ("anthropic/...");
 * a bare model name is called over the OpenAI-compatible API, hence
 * "openai". Well-known values from the GenAI conventions' registry.
 */
export function providerOf(model: string): string {
  const slash = model.indexOf("/");
  if (slash <= 0) return "openai";
  const vendor = model.slice(0, slash).toLowerCase();
  const known: Record<string, string> = {
    google: "gcp.gemini",
    "x-ai": "x_ai",
    xai: "x_ai",
    mistralai: "mistral_ai",
    mistral: "mistral_ai",
    meta: "meta",
    "meta-llama": "meta",
  };
  return known[vendor] ?? vendor;
}

function serverOf(baseUrl: string): { address: string; port: number } | undefined {
  try {
    const url = new URL(baseUrl);
    return { address: url.hostname, port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port) };
  } catch {
    return undefined;
  }
}

function stage(s: DecisionStage): string {
  return lower(DecisionStage[s]);
}

function lower(name: string | undefined): string {
  return (name ?? "unspecified").toLowerCase();
}
