// Time sources, injectable so tests can control them.

/** Monotonic milliseconds, for durations. */
export type MonotonicClock = () => number;

/** Wall-clock epoch milliseconds, for deadlines and records. */
export type WallClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();
export const wallNow: WallClock = () => Date.now();

/** Rounds a duration for reporting: microsecond resolution is plenty. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function preciseWallNow(): number {
  return performance.timeOrigin + performance.now();
}
