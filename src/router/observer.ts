// What the router tells the world about each request: a start, then one
// outcome. The usage ledger and the telemetry module implement
// RouteObserver; the router knows neither (no database, no OpenTelemetry).
import { isTierdError, type ErrorCode } from "../core/errors.js";
import type { Attempt, ClassifyInput, Completion, CompletionRequest, Decision, Usage } from "../core/types.js";

/** classify: a decision only; route: a whole completion; stream: a streamed one. */
export type RequestKind = "classify" | "route" | "stream";

export interface RequestStart {
  kind: RequestKind;
  request: ClassifyInput | CompletionRequest;
  /** Wall-clock arrival, epoch ms with sub-ms precision. */
  startedAt: number;
}

/** A failure, reduced to what may be stored: a code and a secret-free message. */
export interface RequestFailure {
  code: ErrorCode;
  message: string;
}

export interface RequestOutcome extends RequestStart {
  /** Absent when the request failed before a tier was decided. */
  decision?: Decision;
  /** The answer, for route and stream requests that succeeded. */
  completion?: Completion;
  /** Absent on success. */
  failure?: RequestFailure;
  /** Every upstream attempt (also those of a failed request). */
  attempts: Attempt[];
  /** Tokens billed: the answer's, or a failed stream's partial usage, else zero. */
  usage: Usage;
  /** Exact cost billed, in pico-USD. */
  costPicoUsd: bigint;
  /** Time inside tierd, arrival to outcome. */
  latencyMs: number;
  /** Streams that delivered content: arrival to the first delta. */
  timeToFirstTokenMs?: number;
  /** Streams that delivered content: wall-clock time of the first delta (epoch ms). */
  firstTokenAt?: number;
}

export interface RequestObservation {
  /**
   * Called exactly once. A returned promise is awaited before the caller gets
   * its answer, which is how a ledger applies backpressure; observers that
   * never push back return nothing.
   */
  end(outcome: RequestOutcome): void | Promise<void>;
}

export interface RouteObserver {
  /** Called in the request's async context, before any work. */
  begin(start: RequestStart): RequestObservation;
}

/** The stored form of a thrown value: TierdErrors keep their code and message. */
export function requestFailureOf(err: unknown): RequestFailure {
  if (isTierdError(err)) return { code: err.code, message: err.message };
  // Anything else is a bug; its message may hold anything, so it stays in the log.
  return { code: "internal", message: "internal error" };
}

/**
 * One observer from many. An observer that throws is a bug, never the
 * caller's problem: the error goes to `onError` and the request goes on.
 */
export function combineObservers(observers: readonly RouteObserver[], onError: (err: unknown) => void): RouteObserver | undefined {
  if (observers.length === 0) return undefined;
  return {
    begin(start) {
      const observations: RequestObservation[] = [];
      for (const observer of observers) {
        try {
          observations.push(observer.begin(start));
        } catch (err) {
          onError(err);
        }
      }
      return {
        end(outcome) {
          let pending: Promise<void>[] | undefined;
          for (const observation of observations) {
            try {
              const p = observation.end(outcome);
              if (p !== undefined) (pending ??= []).push(p.catch(onError));
            } catch (err) {
              onError(err);
            }
          }
          return pending === undefined ? undefined : Promise.all(pending).then(() => undefined);
        },
      };
    },
  };
}
