// A circuit breaker per deployment. Closed: calls go through and failures
// are counted. Open (cooldown): the deployment is skipped without a call.
// Half-open: the cooldown is over and exactly one probe call may go; its
// success closes the breaker, its failure opens it again.
//
// State lives per deployment name, not per tier, so a deployment listed in
// two tiers cools down for both.
import type { CooldownConfig } from "../config/index.js";
import { monotonicNow, type MonotonicClock } from "../core/clock.js";
import { ErrorClass } from "../core/types.js";

export type Admission =
  | { allowed: true; /** This call is the half-open probe: report its outcome. */ probe: boolean }
  | {
      allowed: false;
      /** The error class that opened the breaker. */
      reason: ErrorClass;
      /** Time left in cooldown; 0 when half-open with a probe in flight. */
      remainingMs: number;
    };

export interface CooldownTracker {
  /** May a call go to this deployment now? A half-open admission is the probe. */
  admit(name: string): Admission;
  /** The call answered: a probe closes the breaker; any success forgets past failures. */
  success(name: string, probe: boolean): void;
  /**
   * The call failed with a class that counts (see `countsTowardCooldown`). A
   * failed probe reopens the breaker; otherwise enough recent failures open it.
   */
  failure(name: string, errorClass: ErrorClass, probe: boolean): void;
  /** Open the breaker now, for `durationMs` (default: the configured cooldown). */
  trip(name: string, reason: ErrorClass, durationMs?: number): void;
  /** The call ended with no verdict on the deployment (caller's fault, cancel): a probe gives its slot back. */
  release(name: string, probe: boolean): void;
  /** True when calls go through without being a probe. */
  isClosed(name: string): boolean;
  /** Time left before the deployment takes a call again (a probe); 0 when it would now. */
  openForMs(name: string): number;
  /** The configured cooldown, the longest a trip lasts by default. */
  readonly cooldownMs: number;
}

export interface CooldownTrackerOptions {
  config: CooldownConfig;
  clock?: MonotonicClock;
  /** A breaker opened (or was held open longer) / let its probe through / closed again: for the log. */
  onOpen?: (name: string, reason: ErrorClass, durationMs: number) => void;
  onHalfOpen?: (name: string) => void;
  onClose?: (name: string) => void;
}

/**
 * Failures that say something about the deployment. The caller's faults
 * (bad request, context length, its own cancel or deadline) and answers that
 * stop the walk anyway (404) say nothing about its health.
 */
export function countsTowardCooldown(errorClass: ErrorClass): boolean {
  switch (errorClass) {
    case ErrorClass.RATE_LIMITED:
    case ErrorClass.SERVER_ERROR:
    case ErrorClass.CONNECTION:
    case ErrorClass.TIMEOUT:
    case ErrorClass.TRUNCATED_STREAM:
    case ErrorClass.MALFORMED_RESPONSE:
    case ErrorClass.UPSTREAM_AUTH:
      return true;
    default:
      return false;
  }
}

interface BreakerState {
  /** Monotonic times of failures since the last success, within the window. */
  failures: number[];
  openUntil: number | undefined;
  reason: ErrorClass;
  probeInFlight: boolean;
}

export function createCooldownTracker(options: CooldownTrackerOptions): CooldownTracker {
  const { failure_threshold: threshold, window_ms: windowMs, cooldown_ms: cooldownMs } = options.config;
  const clock = options.clock ?? monotonicNow;
  const states = new Map<string, BreakerState>();
  const stateOf = (name: string): BreakerState => {
    let state = states.get(name);
    if (state === undefined) {
      state = { failures: [], openUntil: undefined, reason: ErrorClass.UNSPECIFIED, probeInFlight: false };
      states.set(name, state);
    }
    return state;
  };
  const open = (name: string, state: BreakerState, reason: ErrorClass, durationMs: number) => {
    options.onOpen?.(name, reason, durationMs);
    state.openUntil = clock() + durationMs;
    state.reason = reason;
    state.failures = [];
    state.probeInFlight = false;
  };

  return {
    admit(name) {
      const state = states.get(name);
      if (state?.openUntil === undefined) return { allowed: true, probe: false };
      const remainingMs = state.openUntil - clock();
      if (remainingMs > 0) return { allowed: false, reason: state.reason, remainingMs };
      if (state.probeInFlight) return { allowed: false, reason: state.reason, remainingMs: 0 };
      state.probeInFlight = true;
      options.onHalfOpen?.(name);
      return { allowed: true, probe: true };
    },
    success(name, probe) {
      const state = stateOf(name);
      state.failures = [];
      // A call admitted before the breaker opened proves little about now:
      // only the probe may close it.
      if (probe || state.openUntil === undefined) {
        if (state.openUntil !== undefined) options.onClose?.(name);
        state.openUntil = undefined;
        state.probeInFlight = false;
      }
    },
    failure(name, errorClass, probe) {
      const state = stateOf(name);
      if (probe) return open(name, state, errorClass, cooldownMs);
      if (state.openUntil !== undefined) return;
      const now = clock();
      state.failures = state.failures.filter((at) => now - at < windowMs);
      state.failures.push(now);
      if (state.failures.length >= threshold) open(name, state, errorClass, cooldownMs);
    },
    trip(name, reason, durationMs = cooldownMs) {
      const state = stateOf(name);
      const until = clock() + durationMs;
      // Never shorten a cooldown already running for longer.
      if (state.openUntil !== undefined && state.openUntil > until) return;
      open(name, state, reason, durationMs);
    },
    release(name, probe) {
      if (!probe) return;
      const state = states.get(name);
      if (state) state.probeInFlight = false;
    },
    isClosed(name) {
      return states.get(name)?.openUntil === undefined;
    },
    openForMs(name) {
      const until = states.get(name)?.openUntil;
      return until === undefined ? 0 : Math.max(0, until - clock());
    },
    cooldownMs,
  };
}
