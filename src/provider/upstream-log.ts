// What an operator sees of upstream trouble: every failed attempt, fallback
// and breaker change, as log lines. A dead upstream fails every request, so
// failures are logged once per deployment and error class per window, with
// how many were folded in, instead of once per request.
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { AttemptOutcome, ErrorClass, type Attempt, type RoutableTier } from "../core/types.js";

export const UPSTREAM_LOG_WINDOW_MS = 10_000;

export interface UpstreamLog {
  /** One request's hops, once the walk is over; `answered` when a deployment answered. */
  walked(attempts: readonly Attempt[], answered: boolean): void;
  breakerOpened(deployment: string, reason: ErrorClass, durationMs: number): void;
  /** The cooldown is over and one probe request goes to the deployment. */
  breakerHalfOpen(deployment: string): void;
  breakerClosed(deployment: string): void;
  /** A stream ran past the request's max_output_tokens and was cut. */
  overran(deployment: string, maxOutputTokens: number): void;
}

export function createUpstreamLog(log: Logger, clock: MonotonicClock = monotonicNow, windowMs = UPSTREAM_LOG_WINDOW_MS): UpstreamLog {
  /** Per deployment and class: when it was last logged, and failures since. */
  const seen = new Map<string, { at: number; folded: number }>();
  const once = (key: string): number | undefined => {
    const now = clock();
    const entry = seen.get(key);
    if (entry !== undefined && now - entry.at < windowMs) {
      entry.folded++;
      return undefined;
    }
    const folded = entry?.folded ?? 0;
    seen.set(key, { at: now, folded: 0 });
    return folded;
  };
  return {
    walked(attempts, answered) {
      for (const a of attempts) {
        // The caller's own deadline or cancel says nothing about the upstream.
        if (a.outcome !== AttemptOutcome.FAILURE || a.errorClass === ErrorClass.CANCELED || a.errorClass === ErrorClass.DEADLINE) continue;
        const errorClass = ErrorClass[a.errorClass] ?? "UNSPECIFIED";
        const folded = once(`${a.deployment}\u0000${errorClass}`);
        if (folded === undefined) continue;
        log.warn("upstream attempt failed", {
          deployment: a.deployment,
          model: a.model,
          tier: NAME_OF_TIER[a.tier as RoutableTier] ?? "",
          error_class: errorClass.toLowerCase(),
          http_status: a.httpStatus,
          detail: a.detail,
          ...(folded > 0 ? { similar_since_last_line: folded } : {}),
        });
      }
      const last = attempts[attempts.length - 1];
      if (answered && last !== undefined && attempts.some((a) => a.outcome === AttemptOutcome.FAILURE)) {
        const first = attempts[0]!;
        const folded = once(`fallback\u0000${first.deployment}\u0000${last.deployment}`);
        if (folded !== undefined && first.deployment !== last.deployment) {
          log.info("answered by a fallback", { from: first.deployment, to: last.deployment, hops: attempts.length, ...(folded > 0 ? { similar_since_last_line: folded } : {}) });
        }
      }
    },
    breakerOpened(deployment, reason, durationMs) {
      log.warn("deployment breaker opened: skipped by every request until a probe succeeds", { deployment, reason: (ErrorClass[reason] ?? "").toLowerCase(), cooldown_ms: Math.round(durationMs) });
    },
    breakerHalfOpen(deployment) {
      log.info("deployment breaker half-open: its cooldown is over, one probe request goes through", { deployment });
    },
    breakerClosed(deployment) {
      log.info("deployment breaker closed: the probe succeeded", { deployment });
    },
    overran(deployment, maxOutputTokens) {
      log.warn("an upstream streamed past max_output_tokens; the stream was cut there and ended as LENGTH", { deployment, max_output_tokens: maxOutputTokens });
    },
  };
}
