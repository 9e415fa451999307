// One request's walk through the fallback chain: tiers in chain order, each
// tier's deployments in its strategy's order, retries of the same deployment
// with backoff, deployments skipped without a call (cooldown, unsuitable),
// and the error the caller gets when nothing answered. Every hop is recorded
// as an attempt, in order: spans and the ledger are built from that list.
//
// What each error class does:
//   retryable (429, 500-504, connection, timeout, truncated, malformed):
//     retry the same deployment up to retry.max_retries, then the next one;
//   context length: skip to the first deployment whose window is larger;
//   upstream auth (401/403): cooldown that deployment, next in the same
//     tier, never a pricier tier;
//   bad request, not found, caller's deadline or cancel: stop at once.
import type { RetryConfig } from "../config/index.js";
import { preciseWallNow, roundMs, wallNow, type WallClock } from "../core/clock.js";
import { TierdError } from "../core/errors.js";
import {
  AttemptOutcome,
  ErrorClass,
  type Attempt,
  type CallContext,
  type CompletionRequest,
  type RoutableTier,
} from "../core/types.js";
import { deadlinePassed, sleepUnlessAborted } from "./attempt-signal.js";
import { countsTowardCooldown, type CooldownTracker } from "./cooldown.js";
import type { Deployment } from "./deployment.js";
import { createRequestFit, type RequestFit } from "./request-fit.js";
import { decideRetry } from "./retry-policy.js";
import type { UpstreamFailure } from "./upstream-error.js";

/** One call to make: which deployment, for which tier, and the how-manyth. */
export interface Target {
  deployment: Deployment;
  tier: RoutableTier;
  /** 0 for the first call to this deployment in this request, n for the nth retry. */
  retry: number;
  /** Backoff slept before this call, in ms. */
  backoffMs: number;
  /** This call is the half-open probe of a deployment leaving cooldown. */
  probe: boolean;
}

export interface ChainWalkOptions {
  /** Tiers to try, in order (fallback-chain.ts). */
  chain: readonly RoutableTier[];
  /** A tier's deployments in the order its strategy picks for this request. */
  deploymentsOf: (tier: RoutableTier) => Deployment[];
  request: CompletionRequest;
  ctx: CallContext;
  retry: RetryConfig;
  cooldown: CooldownTracker;
  random: () => number;
  /** Wall clock for deadlines (epoch ms). */
  now?: WallClock;
}

export class ChainWalk {
  /** Every hop so far, in order. */
  readonly attempts: Attempt[] = [];
  private readonly fit: RequestFit;
  private readonly now: WallClock;
  private tierIndex = -1;
  private queue: Deployment[] = [];
  private position = 0;
  private current: Target | undefined;
  private pendingDelayMs: number | undefined;
  private stopped: TierdError | undefined;
  /** Deployments of the current tier that refused their credentials. */
  private tierAuthFailures: string[] = [];
  /** Something other than credentials failed in this tier: the next tier may be tried. */
  private tierEscalates = false;
  private stoppedOnAuth = false;
  /** Deployments that failed for good in this request, with why: not called again from another tier. */
  private readonly failedHere = new Map<string, ErrorClass>();
  /** Per non-unsuitable hop: the error class behind it (a cooldown skip carries what opened the breaker). */
  private readonly effectiveClasses: ErrorClass[] = [];
  /** Deployments whose credentials were refused (now or before, per their cooldown). */
  private readonly authRefused = new Set<string>();
  private retryAfterHintMs: number | undefined;
  private heldProbe: string | undefined;
  /** The latest budget refusal: the caller's error when the walk ends on one. */
  private budgetRefusal: TierdError | undefined;

  constructor(private readonly options: ChainWalkOptions) {
    this.fit = createRequestFit(options.request);
    this.now = options.now ?? wallNow;
  }

  /**
   * The next call to make (after sleeping its backoff), or undefined when the
   * chain is exhausted. Throws a TierdError when the walk must stop: the
   * caller's deadline or cancel, or an earlier failure that ends it.
   */
  async next(): Promise<Target | undefined> {
    if (this.stopped) throw this.stopped;
    const { ctx } = this.options;
    if (this.pendingDelayMs !== undefined && this.current !== undefined) {
      const delay = this.pendingDelayMs;
      this.pendingDelayMs = undefined;
      if (delay > 0 && !(await sleepUnlessAborted(delay, ctx.signal))) throw this.callerGone();
      this.throwIfCallerGone();
      this.current = { ...this.current, retry: this.current.retry + 1, backoffMs: delay, probe: false };
      return this.current;
    }
    this.current = undefined;
    for (;;) {
      this.throwIfCallerGone();
      if (this.position >= this.queue.length) {
        if (this.tierIndex >= 0 && this.tierAuthFailures.length > 0 && !this.tierEscalates) {
          // The tier failed only on its own credentials: a pricier tier
          // would spend more money to hide a configuration fault.
          this.stoppedOnAuth = true;
          return undefined;
        }
        if (++this.tierIndex >= this.options.chain.length) return undefined;
        this.queue = this.options.deploymentsOf(this.options.chain[this.tierIndex]!);
        this.position = 0;
        this.tierAuthFailures = [];
        this.tierEscalates = false;
        continue;
      }
      const deployment = this.queue[this.position++]!;
      const tier = this.options.chain[this.tierIndex]!;
      const earlier = this.failedHere.get(deployment.name);
      if (earlier !== undefined) {
        this.skip(deployment, tier, earlier, earlier, "already failed earlier in this request");
        continue;
      }
      const unsuitable = this.fit.unsuitability(deployment.config);
      if (unsuitable !== undefined) {
        this.attempts.push(skipped(deployment, tier, ErrorClass.UNSUITABLE, unsuitable));
        continue;
      }
      const admission = this.options.cooldown.admit(deployment.name);
      if (!admission.allowed) {
        const why = ErrorClass[admission.reason] ?? "failures";
        const detail =
          admission.remainingMs > 0
            ? `in cooldown after ${why} for another ${Math.ceil(admission.remainingMs)} ms`
            : `half-open after ${why}: a probe request is in flight`;
        this.skip(deployment, tier, ErrorClass.COOLDOWN, admission.reason, detail);
        this.noteRetryAfterHint(admission.remainingMs);
        continue;
      }
      if (admission.probe) this.heldProbe = deployment.name;
      this.current = { deployment, tier, retry: 0, backoffMs: 0, probe: admission.probe };
      return this.current;
    }
  }

  /** The deployment answered (a stream: its first token arrived): it is healthy. */
  healthy(target: Target): void {
    this.options.cooldown.success(target.deployment.name, target.probe);
    if (target.probe) this.heldProbe = undefined;
  }

  /** Records the successful attempt. */
  succeeded(target: Target, latencyMs: number): void {
    this.attempts.push(attemptOf(target, AttemptOutcome.SUCCESS, ErrorClass.UNSPECIFIED, latencyMs, 200, ""));
  }

  /** Records a failed attempt and decides what the walk does next. */
  failed(target: Target, failure: UpstreamFailure, latencyMs: number): void {
    const attempt = attemptOf(target, AttemptOutcome.FAILURE, failure.errorClass, latencyMs, failure.httpStatus, failure.detail);
    this.attempts.push(attempt);
    this.effectiveClasses.push(failure.errorClass);
    const { cooldown } = this.options;
    const name = target.deployment.name;
    if (failure.errorClass === ErrorClass.UPSTREAM_AUTH) cooldown.trip(name, failure.errorClass);
    else if (countsTowardCooldown(failure.errorClass)) cooldown.failure(name, failure.errorClass, target.probe);
    else cooldown.release(name, target.probe);
    if (target.probe) this.heldProbe = undefined;

    switch (failure.errorClass) {
      case ErrorClass.BAD_REQUEST:
        this.stop("invalid_argument", `upstream rejected the request: ${failure.detail}`);
        return;
      case ErrorClass.NOT_FOUND:
        this.stop("not_found", `upstream of deployment ${name} does not know the model or route: ${failure.detail}`);
        return;
      case ErrorClass.DEADLINE:
        this.stop("deadline_exceeded", "deadline exceeded while waiting for the upstream");
        return;
      case ErrorClass.CANCELED:
        this.stop("canceled", "the caller cancelled the request");
        return;
      case ErrorClass.UPSTREAM_AUTH:
        this.tierAuthFailures.push(name);
        this.authRefused.add(name);
        this.failedHere.set(name, failure.errorClass);
        return;
      case ErrorClass.CONTEXT_LENGTH:
        this.fit.exceeded(target.deployment.config.context_window);
        this.tierEscalates = true;
        return;
    }
    this.tierEscalates = true;
    if (failure.errorClass === ErrorClass.RATE_LIMITED && failure.retryAfterMs !== undefined) this.noteRetryAfterHint(failure.retryAfterMs);
    const { ctx } = this.options;
    const decision = decideRetry(
      {
        ...(failure.retryable === false ? { retryable: false as const } : {}),
        errorClass: failure.errorClass,
        httpStatus: failure.httpStatus,
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        retriesSoFar: target.retry,
        remainingMs: ctx.deadlineAt === undefined ? Infinity : ctx.deadlineAt - this.now(),
      },
      this.options.retry,
      this.options.random,
    );
    if (failure.retryAfterMs === undefined) {
      // No word from the upstream on when to come back, but this failure may
      // have opened the breaker: the caller can come back when it closes.
      const openMs = cooldown.openForMs(name);
      if (openMs > 0 && failure.errorClass === ErrorClass.RATE_LIMITED) this.noteRetryAfterHint(openMs);
    }
    if (decision.retry && cooldown.isClosed(name)) {
      this.pendingDelayMs = decision.delayMs;
      return;
    }
    if (!decision.retry) {
      if (decision.holdMs !== undefined) {
        // The upstream said when it will take requests again: other requests
        // skip it until then (at most one cooldown) instead of each paying a 429.
        cooldown.trip(name, failure.errorClass, Math.min(decision.holdMs, cooldown.cooldownMs));
      }
      if (decision.reason !== "not retryable") attempt.detail = `${attempt.detail}; moving on: ${decision.reason}`;
    } else {
      attempt.detail = `${attempt.detail}; moving on: deployment entered cooldown`;
    }
    this.failedHere.set(name, failure.errorClass);
  }

  /**
   * The caller's budget cannot cover this deployment: skipped without a call
   * (no verdict on its health), and the walk goes on, cheaper or not.
   */
  refused(target: Target, refusal: TierdError): void {
    if (target.probe) {
      this.options.cooldown.release(target.deployment.name, true);
      this.heldProbe = undefined;
    }
    const detail = refusal.limit === undefined ? "over budget" : `budget ${refusal.limit.name} cannot cover its worst case`;
    this.skip(target.deployment, target.tier, ErrorClass.BUDGET, ErrorClass.BUDGET, detail);
    this.failedHere.set(target.deployment.name, ErrorClass.BUDGET);
    this.budgetRefusal = refusal;
    this.current = undefined;
    this.pendingDelayMs = undefined;
  }

  /**
   * A stream failed after its first token reached the caller: recorded, and
   * counted against the deployment, but the walk is over.
   */
  failedAfterDelivery(target: Target, failure: UpstreamFailure, latencyMs: number): void {
    this.attempts.push(attemptOf(target, AttemptOutcome.FAILURE, failure.errorClass, latencyMs, failure.httpStatus, failure.detail));
    if (countsTowardCooldown(failure.errorClass)) this.options.cooldown.failure(target.deployment.name, failure.errorClass, false);
  }

  /** The error for a walk that found no answer. */
  exhausted(): TierdError {
    if (this.stopped) return this.stopped;
    const attempts = this.attempts;
    const hint = this.retryAfterHintMs === undefined ? {} : { retryAfterSeconds: Math.ceil(this.retryAfterHintMs / 1000) };
    const classes = this.effectiveClasses;
    if (this.stoppedOnAuth || (classes.length > 0 && classes.every((c) => c === ErrorClass.UPSTREAM_AUTH))) {
      const names = [...this.authRefused].join(", ");
      return new TierdError(
        "unavailable",
        `upstream refused the credentials configured for deployment ${names}; fix its api_key (the caller's credentials are not at fault)`,
        { attempts },
      );
    }
    const last = classes[classes.length - 1];
    if (last === undefined) {
      if (attempts.length === 0) return new TierdError("unavailable", "no deployment is configured for this tier", { attempts });
      const reasons = [...new Set(attempts.map((a) => `${a.deployment}: ${a.detail}`))].join("; ");
      return new TierdError("invalid_argument", `no deployment in the fallback chain can serve this request (${reasons})`, {
        attempts,
        field: this.fit.contextLimited ? "messages" : "params.response_format",
      });
    }
    if (last === ErrorClass.CONTEXT_LENGTH) {
      return new TierdError(
        "invalid_argument",
        `the conversation exceeds the context window of every deployment in the fallback chain (~${this.fit.tokensNeeded()} tokens with max output)`,
        { attempts, field: "messages" },
      );
    }
    const summary = summarize(attempts);
    if (last === ErrorClass.BUDGET && this.budgetRefusal !== undefined) {
      const refusal = this.budgetRefusal;
      return new TierdError("resource_exhausted", `${refusal.message} (${summary})`, {
        attempts,
        ...(refusal.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: refusal.retryAfterSeconds }),
        ...(refusal.limit === undefined ? {} : { limit: refusal.limit }),
      });
    }
    if (last === ErrorClass.RATE_LIMITED) {
      return new TierdError("resource_exhausted", `every deployment in the fallback chain is rate limited (${summary})`, { attempts, ...hint });
    }
    if (last === ErrorClass.TIMEOUT) {
      return new TierdError("deadline_exceeded", `every deployment in the fallback chain timed out or failed (${summary})`, { attempts });
    }
    return new TierdError("unavailable", `every deployment in the fallback chain failed (${summary})`, { attempts, ...hint });
  }

  /** Gives back a probe slot still held (a stream abandoned mid-way, an exception). */
  dispose(): void {
    if (this.heldProbe !== undefined) this.options.cooldown.release(this.heldProbe, true);
    this.heldProbe = undefined;
  }

  private skip(deployment: Deployment, tier: RoutableTier, errorClass: ErrorClass, effective: ErrorClass, detail: string): void {
    this.attempts.push(skipped(deployment, tier, errorClass, detail));
    this.effectiveClasses.push(effective);
    if (effective === ErrorClass.UPSTREAM_AUTH) {
      this.tierAuthFailures.push(deployment.name);
      this.authRefused.add(deployment.name);
    } else {
      this.tierEscalates = true;
    }
  }

  private noteRetryAfterHint(ms: number): void {
    if (ms > 0) this.retryAfterHintMs = this.retryAfterHintMs === undefined ? ms : Math.min(this.retryAfterHintMs, ms);
  }

  private stop(code: ConstructorParameters<typeof TierdError>[0], message: string): void {
    this.stopped = new TierdError(code, message, { attempts: this.attempts });
  }

  private throwIfCallerGone(): void {
    const { ctx } = this.options;
    if (ctx.signal.aborted || deadlinePassed(ctx, this.now())) throw this.callerGone();
  }

  private callerGone(): TierdError {
    const deadline = deadlinePassed(this.options.ctx, this.now());
    return deadline
      ? new TierdError("deadline_exceeded", "deadline exceeded before an upstream answered", { attempts: this.attempts })
      : new TierdError("canceled", "the caller cancelled the request", { attempts: this.attempts });
  }
}

/** "nano-1: SERVER_ERROR x3; mid-1: COOLDOWN (in cooldown after ...)": one entry per run of equal hops. */
function summarize(attempts: readonly Attempt[]): string {
  const runs: { text: string; count: number }[] = [];
  for (const a of attempts) {
    if (a.outcome === AttemptOutcome.SUCCESS) continue;
    const text = `${a.deployment}: ${ErrorClass[a.errorClass]}${a.outcome === AttemptOutcome.SKIPPED ? ` (${a.detail})` : ""}`;
    const last = runs[runs.length - 1];
    if (last?.text === text) last.count++;
    else runs.push({ text, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.text} x${r.count}` : r.text)).join("; ");
}

function attemptOf(target: Target, outcome: AttemptOutcome, errorClass: ErrorClass, latencyMs: number, httpStatus: number, detail: string): Attempt {
  return {
    startedAt: preciseWallNow() - latencyMs,
    deployment: target.deployment.name,
    model: target.deployment.config.model,
    tier: target.tier,
    outcome,
    errorClass,
    latencyMs: roundMs(latencyMs),
    httpStatus,
    detail,
    retry: target.retry,
    backoffMs: target.backoffMs,
  };
}

function skipped(deployment: Deployment, tier: RoutableTier, errorClass: ErrorClass, detail: string): Attempt {
  return {
    startedAt: preciseWallNow(),
    deployment: deployment.name,
    model: deployment.config.model,
    tier,
    outcome: AttemptOutcome.SKIPPED,
    errorClass,
    latencyMs: 0,
    httpStatus: 0,
    detail,
    retry: 0,
    backoffMs: 0,
  };
}
