// Requests and tokens per minute per caller, as token buckets that hold one
// minute's worth (the largest burst) and refill continuously. A request takes
// one request token and its estimated input tokens; when it is done, the
// token bucket is charged the difference to what it really used (output
// included), which may leave the bucket in debt until it refills.
import type { Config } from "../config/index.js";
import { TierdError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { Principal } from "../core/types.js";
import type { BucketSpec, BucketTake, RateLimitStore } from "./rate-store.js";

export interface RateLimitsOptions {
  config: Pick<Config, "rate_limits">;
  store: RateLimitStore;
  log: Logger;
  /** Store failures are logged at most once per this interval. Default 10 s. */
  failureLogIntervalMs?: number;
}

export interface RateTicket {
  /** Once, with the tokens the request really used (input plus output). */
  settle(tokensUsed: number): void;
}

export interface RateLimits {
  /**
   * Admits a request of `estimatedTokens` input tokens (0 for requests that
   * call no model) or throws resource_exhausted with a retry-after hint.
   * Undefined when the caller has no rate limit.
   */
  admit(principal: Principal, estimatedTokens: number): Promise<RateTicket | undefined>;
}

const MINUTE_MS = 60_000;

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { config, store, log } = options;
  const failureLogIntervalMs = options.failureLogIntervalMs ?? 10_000;
  let lastFailureLog = -Infinity;

  return {
    async admit(principal, estimatedTokens) {
      const name = principal.rateLimit;
      const limit = name === undefined ? undefined : config.rate_limits[name];
      if (name === undefined || limit === undefined) return undefined;
      const base = `${encodeURIComponent(name)}:${encodeURIComponent(principal.callerId)}`;
      const takes: (BucketTake & { kind: "requests_per_minute" | "tokens_per_minute"; perMinute: number })[] = [];
      if (limit.requests_per_minute !== undefined) {
        const perMinute = limit.requests_per_minute;
        takes.push({ key: `${base}:requests`, capacity: perMinute, refillPerMs: perMinute / MINUTE_MS, amount: 1, mode: "strict", kind: "requests_per_minute", perMinute });
      }
      let tokens: BucketSpec | undefined;
      if (limit.tokens_per_minute !== undefined && estimatedTokens > 0) {
        const perMinute = limit.tokens_per_minute;
        tokens = { key: `${base}:tokens`, capacity: perMinute, refillPerMs: perMinute / MINUTE_MS };
        takes.push({ ...tokens, amount: estimatedTokens, mode: "debt", kind: "tokens_per_minute", perMinute });
      }
      if (takes.length === 0) return undefined;
      let result;
      try {
        result = await store.take(takes);
      } catch (err) {
        // Rate limits protect capacity, not money: while their counters are
        // unreachable, requests go through (budgets fail closed instead).
        const now = performance.now();
        if (now - lastFailureLog >= failureLogIntervalMs) {
          lastFailureLog = now;
          log.warn("rate-limit counters unreachable: admitting requests without rate limits", { error: err instanceof Error ? err.message : String(err) });
        }
        return undefined;
      }
      if (!result.ok) {
        const refused = takes[result.index]!;
        const unit = refused.kind === "requests_per_minute" ? "requests" : "tokens";
        throw new TierdError(
          "resource_exhausted",
          `rate limit ${name}: caller ${principal.callerId} may use ${refused.perMinute} ${unit} per minute; retry in ${Math.ceil(result.retryAfterMs / 1000)} s`,
          { retryAfterSeconds: result.retryAfterMs / 1000, limit: { kind: refused.kind, name, limit: BigInt(refused.perMinute) } },
        );
      }
      let settled = false;
      return {
        settle(tokensUsed) {
          if (settled || tokens === undefined) return;
          settled = true;
          const refund = estimatedTokens - tokensUsed;
          if (refund !== 0) store.adjust(tokens, refund).catch(() => undefined);
        },
      };
    },
  };
}
