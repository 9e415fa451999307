// Observed latency per deployment, for the least-latency strategy.
//
// The average is an exponentially weighted moving average (EWMA): one number
// per key, O(1) per observation, and it follows a deployment that slows down
// within a handful of calls, where a windowed mean would need a buffer and
// keep a past spike for the whole window. ALPHA = 0.3 gives the newest call
// 30% of the weight, so about the last 6 calls carry 88% of it (1 - 0.7^6):
// quick to react, yet one slow answer does not reorder a tier on its own.
//
// Keys are chosen by the caller: the provider keeps unary latency (the whole
// answer) and streaming latency (time to first token) apart, since they
// measure different things.

const ALPHA = 0.3;

export interface LatencyTracker {
  observe(key: string, latencyMs: number): void;
  /** The moving average, or undefined before the first observation. */
  average(key: string): number | undefined;
}

export function createLatencyTracker(): LatencyTracker {
  const averages = new Map<string, number>();
  return {
    observe(key, latencyMs) {
      if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
      const previous = averages.get(key);
      averages.set(key, previous === undefined ? latencyMs : previous + ALPHA * (latencyMs - previous));
    },
    average: (key) => averages.get(key),
  };
}
