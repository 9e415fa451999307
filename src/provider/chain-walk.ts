// One request's walk through the fallback chain: tiers in chain order, each
// tier's deployments in its strategy's order, retries of the same deployment
// with backoff, deployments skipped without a call (cooldown, unsuitable,
// budget), and the error the caller gets when nothing answered. Every hop is
// recorded as an attempt, in order: spans and the ledger are built from that
// list.
//
// `run` is the only way through, so the order of a hop (admission, budget
// hold, one call, exactly one verdict, the hold settled, a probe slot never
// leaked) is kept in one place. Unary and streaming calls differ only in
// what they yield before their answer.
//
// What each error class does:
//   retryable (429, 500-504, connection, timeout, truncated, malformed):
//     retry the same deployment up to retry.max_retries, then the next one;
//   context length: skip to the first deployment whose window is larger;
//   upstream auth (401/403) or not found (404: the deployment's model or
//     route is unknown there): cooldown that deployment, next in the same
//     tier, never a pricier tier;
//   bad request, caller's deadline or cancel: stop at once.
// Once content reached the caller a failure is final: no fallback can be
// spliced into a half-sent answer.
import type { RetryConfig } from "../config/index.js";
import { monotonicNow, preciseWallNow, roundMs, wallNow, type MonotonicClock, type WallClock } from "../core/clock.js";
import { abortReasonOf, TierdError } from "../core/errors.js";
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
import type { SpendGuard } from "./spend-guard.js";
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

/** One upstream call as the walk hands it out. */
export interface Call {
  readonly target: Target;
  /**
   * Content is reaching the caller: should it stop reading mid-answer, the
   * budget hold keeps `cost()`. Only the call can price a partial answer.
   */
  billIfAbandoned(cost: () => bigint): void;
}

/** How one call ended, as a value: the walk, not the call, decides what follows. */
export type CallOutcome<R> =
  | { ok: true; value: R; /** What the answer billed: the budget hold settles to it. */ costPicoUsd: bigint }
  | {
      ok: false;
      failure: UpstreamFailure;
      /** The call had yielded content before failing: what that part billed, and the caller's error. */
      cut?: { costPicoUsd: bigint; error: TierdError };
    };

/**
 * Makes one upstream call: yields content as it reaches the caller (a unary
 * call yields nothing) and returns how the call ended. Its first yield is
 * the point of no return: a failure before it falls back, after it is final.
 */
export type UpstreamCall<D, R> = (call: Call) => AsyncGenerator<D, CallOutcome<R>, undefined>;

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
  /** Monotonic ms, for attempt latencies. */
  clock?: MonotonicClock;
  /** Sleeps a backoff; resolves false when the signal aborted first. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** Holds each call's worst-case cost against the caller's budgets (retries and fallbacks included). */
  spend?: SpendGuard;
  /** A deployment's first answer (a stream: its first token) and how long it took. */
  onAnswer?: (target: Target, latencyMs: number) => void;
}

/** A retry decided on a failure, made by the next `next()` after its backoff. */
interface PendingRetry {
  target: Target;
  delayMs: number;
  /** The failure that asked for it: what the deployment failed with if the retry cannot go. */
  errorClass: ErrorClass;
}

export class ChainWalk {
  /** Every hop so far, in order. */
  readonly attempts: Attempt[] = [];
  private readonly fit: RequestFit;
  private readonly now: WallClock;
  private readonly clock: MonotonicClock;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  private ran = false;
  private tierIndex = -1;
  private queue: Deployment[] = [];
  private position = 0;
  private pendingRetry: PendingRetry | undefined;
  private stopped: TierdError | undefined;
  /** Deployments of the current tier that failed on their own configuration: credentials refused, model or route unknown. */
  private tierConfigFaults: string[] = [];
  /** Something other than credentials failed in this tier: the next tier may be tried. */
  private tierEscalates = false;
  private stoppedOnConfigFault = false;
  /** Deployments that failed for good in this request, with why: not called again from another tier. */
  private readonly failedHere = new Map<string, ErrorClass>();
  /** Per non-unsuitable hop: the error class behind it (a cooldown skip carries what opened the breaker). */
  private readonly effectiveClasses: ErrorClass[] = [];
  /** Deployments whose credentials were refused (now or before, per their cooldown). */
  private readonly authRefused = new Set<string>();
  /** Deployments whose upstream did not know the model or route (404), with its words. */
  private readonly notFound = new Map<string, string>();
  private retryAfterHintMs: number | undefined;
  private heldProbe: string | undefined;
  /** The latest budget refusal: the caller's error when the walk ends on one. */
  private budgetRefusal: TierdError | undefined;

  constructor(private readonly options: ChainWalkOptions) {
    this.fit = createRequestFit(options.request);
    this.now = options.now ?? wallNow;
    this.clock = options.clock ?? monotonicNow;
    this.sleep = options.sleep ?? sleepUnlessAborted;
  }

  /**
   * The whole walk: one `call` per target until one answers, the walk must
   * stop, or the chain is exhausted. Yields what the answering call yields
   * and returns its answer; otherwise throws the caller's TierdError.
   */
  async *run<D, R>(call: UpstreamCall<D, R>): AsyncGenerator<D, R, undefined> {
    // The walk's state (attempts, breakers' probe slots) belongs to one request.
    if (this.ran) throw new TierdError("internal", "a chain walk runs once");
    this.ran = true;
    try {
      for (let target = await this.next(); target !== undefined; target = await this.next()) {
        const hold = await this.hold(target);
        if (hold === undefined) continue;
        const answer = yield* this.attempt(call, target, hold);
        if (answer !== undefined) return answer.value;
      }
      throw this.exhausted();
    } finally {
      this.dispose();
    }
  }

  /** `run` for calls that yield nothing before their answer (unary). */
  async complete<R>(call: UpstreamCall<never, R>): Promise<R> {
    const steps = this.run(call);
    for (;;) {
      const step = await steps.next();
      if (step.done) return step.value;
    }
  }

  /** One call and its one verdict: the answer, or undefined when the walk goes on. */
  private async *attempt<D, R>(call: UpstreamCall<D, R>, target: Target, hold: Held): AsyncGenerator<D, { value: R } | undefined, undefined> {
    const started = this.clock();
    let partialCost: (() => bigint) | undefined;
    const steps = call({ target, billIfAbandoned: (cost) => void (partialCost = cost) });
    let delivered = false;
    let ended = false;
    try {
      for (;;) {
        const step = await steps.next();
        if (step.done) {
          ended = true;
          return await this.conclude(target, step.value, delivered, this.clock() - started, hold);
        }
        if (!delivered) {
          delivered = true;
          this.answered(target, this.clock() - started);
        }
        yield step.value;
      }
    } finally {
      if (!ended) {
        // The caller stopped reading, or the call threw: the call cleans up
        // its request, and the budget keeps what was delivered.
        try {
          await steps.return(ABANDONED);
        } finally {
          await hold.settle(partialCost?.() ?? 0n);
        }
      }
    }
  }

  private async conclude<R>(target: Target, outcome: CallOutcome<R>, delivered: boolean, latencyMs: number, hold: Held): Promise<{ value: R } | undefined> {
    if (outcome.ok) {
      if (!delivered) this.answered(target, latencyMs);
      this.succeeded(target, latencyMs);
      await hold.settle(outcome.costPicoUsd);
      return { value: outcome.value };
    }
    if (!delivered) {
      this.failed(target, outcome.failure, latencyMs);
      // A failed call bills nothing.
      await hold.settle(0n);
      return undefined;
    }
    this.failedAfterDelivery(target, outcome.failure, latencyMs);
    await hold.settle(outcome.cut?.costPicoUsd ?? 0n);
    throw outcome.cut?.error ?? this.cutShort(target, outcome.failure);
  }

  /**
   * The next call to make (after sleeping its backoff), or undefined when the
   * chain is exhausted. Throws a TierdError when the walk must stop: the
   * caller's deadline or cancel, or an earlier failure that ends it.
   */
  private async next(): Promise<Target | undefined> {
    if (this.stopped) throw this.stopped;
    const pending = this.pendingRetry;
    this.pendingRetry = undefined;
    if (pending !== undefined) {
      const again = await this.retryOf(pending);
      if (again !== undefined) return again;
    }
    for (;;) {
      this.throwIfCallerGone();
      if (this.position >= this.queue.length) {
        if (this.tierIndex >= 0 && this.tierConfigFaults.length > 0 && !this.tierEscalates) {
          // The tier failed only on its deployments' own configuration
          // (credentials, model names): a pricier tier would spend more money
          // to hide a configuration fault.
          this.stoppedOnConfigFault = true;
          return undefined;
        }
        if (++this.tierIndex >= this.options.chain.length) return undefined;
        this.queue = this.options.deploymentsOf(this.options.chain[this.tierIndex]!);
        this.position = 0;
        this.tierConfigFaults = [];
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
      const admitted = this.admit(deployment, tier);
      if (admitted === undefined) continue;
      return { deployment, tier, retry: 0, backoffMs: 0, probe: admitted.probe };
    }
  }

  /** The same deployment again after its backoff, if its breaker still takes the call. */
  private async retryOf({ target, delayMs, errorClass }: PendingRetry): Promise<Target | undefined> {
    if (delayMs > 0 && !(await this.sleep(delayMs, this.options.ctx.signal))) throw this.callerGone();
    this.throwIfCallerGone();
    // Other requests may have opened the breaker during the backoff.
    const admitted = this.admit(target.deployment, target.tier);
    if (admitted === undefined) {
      this.failedHere.set(target.deployment.name, errorClass);
      return undefined;
    }
    return { ...target, retry: target.retry + 1, backoffMs: delayMs, probe: admitted.probe };
  }

  /** Asks the deployment's breaker; a refusal is recorded as a cooldown skip. */
  private admit(deployment: Deployment, tier: RoutableTier): { probe: boolean } | undefined {
    const admission = this.options.cooldown.admit(deployment.name);
    if (!admission.allowed) {
      const why = ErrorClass[admission.reason] ?? "failures";
      const detail =
        admission.remainingMs > 0
          ? `in cooldown after ${why} for another ${Math.ceil(admission.remainingMs)} ms`
          : `half-open after ${why}: a probe request is in flight`;
      this.skip(deployment, tier, ErrorClass.COOLDOWN, admission.reason, detail);
      this.noteRetryAfterHint(admission.remainingMs);
      return undefined;
    }
    if (admission.probe) this.heldProbe = deployment.name;
    return { probe: admission.probe };
  }

  /** The call's budget hold; undefined when the budget refused it. */
  private async hold(target: Target): Promise<Held | undefined> {
    const { spend, request } = this.options;
    if (spend === undefined) return NOT_HELD;
    const { deployment, tier } = target;
    const hold = await spend.reserve({ deployment: deployment.name, model: deployment.config.model, tier }, request);
    if (hold.kind === "refused") {
      this.refused(target, hold.error);
      return undefined;
    }
    return createHeld(hold.settle);
  }

  /** The deployment answered (a stream: its first token arrived): it is healthy. */
  private answered(target: Target, latencyMs: number): void {
    this.options.cooldown.success(target.deployment.name, target.probe);
    if (target.probe) this.heldProbe = undefined;
    this.options.onAnswer?.(target, latencyMs);
  }

  private succeeded(target: Target, latencyMs: number): void {
    this.attempts.push(attemptOf(target, AttemptOutcome.SUCCESS, ErrorClass.UNSPECIFIED, latencyMs, 200, ""));
  }

  /** Records a failed attempt and decides what the walk does next. */
  private failed(target: Target, failure: UpstreamFailure, latencyMs: number): void {
    const attempt = attemptOf(target, AttemptOutcome.FAILURE, failure.errorClass, latencyMs, failure.httpStatus, failure.detail);
    this.attempts.push(attempt);
    this.effectiveClasses.push(failure.errorClass);
    const { cooldown } = this.options;
    const name = target.deployment.name;
    // A deployment's own configuration fault (its credentials, its model or
    // route): every request would meet it, so the breaker opens at once.
    if (failure.errorClass === ErrorClass.UPSTREAM_AUTH || failure.errorClass === ErrorClass.NOT_FOUND) cooldown.trip(name, failure.errorClass);
    else if (countsTowardCooldown(failure.errorClass)) cooldown.failure(name, failure.errorClass, target.probe);
    else cooldown.release(name, target.probe);
    if (target.probe) this.heldProbe = undefined;

    switch (failure.errorClass) {
      case ErrorClass.BAD_REQUEST:
        this.stop("invalid_argument", `upstream rejected the request: ${failure.detail}`);
        return;
      case ErrorClass.DEADLINE:
        this.stop("deadline_exceeded", "deadline exceeded while waiting for the upstream");
        return;
      case ErrorClass.CANCELED: {
        const stopping = abortReasonOf(this.options.ctx.signal);
        if (stopping) this.stop(stopping.code, stopping.message);
        else this.stop("canceled", "the caller cancelled the request");
        return;
      }
      case ErrorClass.UPSTREAM_AUTH:
      case ErrorClass.NOT_FOUND:
        // The next deployment of the same tier may be configured right; a
        // pricier tier would spend more to hide the fault.
        this.tierConfigFaults.push(name);
        if (failure.errorClass === ErrorClass.UPSTREAM_AUTH) this.authRefused.add(name);
        else this.notFound.set(name, failure.detail);
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
      this.pendingRetry = { target, delayMs: decision.delayMs, errorClass: failure.errorClass };
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
  private refused(target: Target, refusal: TierdError): void {
    if (target.probe) {
      this.options.cooldown.release(target.deployment.name, true);
      this.heldProbe = undefined;
    }
    const detail = refusal.limit === undefined ? "over budget" : `budget ${refusal.limit.name} cannot cover its worst case`;
    this.skip(target.deployment, target.tier, ErrorClass.BUDGET, ErrorClass.BUDGET, detail);
    this.failedHere.set(target.deployment.name, ErrorClass.BUDGET);
    this.budgetRefusal = refusal;
  }

  /**
   * A stream failed after its first token reached the caller: recorded, and
   * counted against the deployment, but the walk is over.
   */
  private failedAfterDelivery(target: Target, failure: UpstreamFailure, latencyMs: number): void {
    this.attempts.push(attemptOf(target, AttemptOutcome.FAILURE, failure.errorClass, latencyMs, failure.httpStatus, failure.detail));
    if (countsTowardCooldown(failure.errorClass)) this.options.cooldown.failure(target.deployment.name, failure.errorClass, false);
  }

  /** The caller's error for a call that failed after content without naming one itself. */
  private cutShort(target: Target, failure: UpstreamFailure): TierdError {
    return new TierdError("unavailable", `answer from ${target.deployment.name} failed after content reached the caller: ${failure.detail}`, {
      attempts: this.attempts,
    });
  }

  /** The error for a walk that found no answer. */
  private exhausted(): TierdError {
    if (this.stopped) return this.stopped;
    const attempts = this.attempts;
    const hint = this.retryAfterHintMs === undefined ? {} : { retryAfterSeconds: Math.ceil(this.retryAfterHintMs / 1000) };
    const classes = this.effectiveClasses;
    const configFault = (c: ErrorClass) => c === ErrorClass.UPSTREAM_AUTH || c === ErrorClass.NOT_FOUND;
    if (this.stoppedOnConfigFault || (classes.length > 0 && classes.every(configFault))) {
      const faults: string[] = [];
      if (this.authRefused.size > 0) faults.push(`upstream refused the credentials configured for deployment ${[...this.authRefused].join(", ")}; fix its api_key`);
      for (const [name, detail] of this.notFound) faults.push(`upstream of deployment ${name} does not know the model or route (${detail}); fix its model or base_url`);
      // Only unknown models or routes: the caller asked for something no deployment has.
      const code = this.authRefused.size === 0 ? "not_found" : "unavailable";
      return new TierdError(code, `${faults.join("; ")} (the caller's request and credentials are not at fault)`, { attempts });
    }
    const last = classes[classes.length - 1];
    if (last === undefined) {
      if (attempts.length === 0) return new TierdError("unavailable", "no deployment is configured for this tier", { attempts });
      const reasons = [...new Set(attempts.map((a) => `${a.deployment}: ${a.detail}`))].join("; ");
      // Tools, images and schemas are fine requests this server is not set up
      // for: FAILED_PRECONDITION naming the capability (never a pricier tier
      // by accident). JSON mode kept its older INVALID_ARGUMENT for callers
      // written against it.
      const lacking = this.fit.missingCapabilities.filter((c) => c !== "json");
      if (lacking.length > 0 && !this.fit.contextLimited) {
        return new TierdError(
          "failed_precondition",
          `no deployment in the fallback chain has the ${lacking.join(" and ")} capability this request needs (${reasons}); add it to a deployment's capabilities, or send the request without it`,
          { attempts },
        );
      }
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

  /** Gives back a probe slot still held (a call that threw, a walk abandoned mid-way). */
  private dispose(): void {
    if (this.heldProbe !== undefined) this.options.cooldown.release(this.heldProbe, true);
    this.heldProbe = undefined;
  }

  private skip(deployment: Deployment, tier: RoutableTier, errorClass: ErrorClass, effective: ErrorClass, detail: string): void {
    this.attempts.push(skipped(deployment, tier, errorClass, detail));
    this.effectiveClasses.push(effective);
    if (effective === ErrorClass.UPSTREAM_AUTH || effective === ErrorClass.NOT_FOUND) {
      this.tierConfigFaults.push(deployment.name);
      if (effective === ErrorClass.UPSTREAM_AUTH) this.authRefused.add(deployment.name);
      else if (!this.notFound.has(deployment.name)) this.notFound.set(deployment.name, detail);
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
    if (deadline) return new TierdError("deadline_exceeded", "deadline exceeded before an upstream answered", { attempts: this.attempts });
    const stopping = abortReasonOf(this.options.ctx.signal);
    if (stopping) return new TierdError(stopping.code, stopping.message, { attempts: this.attempts });
    return new TierdError("canceled", "the caller cancelled the request", { attempts: this.attempts });
  }
}


/** A budget hold as the walk uses it: settled at most once. */
interface Held {
  settle(costPicoUsd: bigint): Promise<void>;
}

function createHeld(settle: (costPicoUsd: bigint) => Promise<void>): Held {
  let settled = false;
  return {
    async settle(cost) {
      if (settled) return;
      settled = true;
      await settle(cost);
    },
  };
}

const NOT_HELD: Held = { settle: async () => undefined };

/** Handed to a call the caller stopped reading: the outcome is ignored, only the call's cleanup runs. */
const ABANDONED: CallOutcome<never> = { ok: false, failure: { errorClass: ErrorClass.CANCELED, httpStatus: 0, detail: "the caller stopped reading" } };

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
