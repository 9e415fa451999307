// Token buckets behind one interface, in this process or in Redis. A bucket
// holds up to `capacity` and refills at `refillPerMs`; it starts full.

export interface BucketSpec {
  key: string;
  capacity: number;
  refillPerMs: number;
}

export interface BucketTake extends BucketSpec {
  amount: number;
  /**
   * strict: the bucket must hold `amount`. debt: the bucket must merely be
   * above zero and may go below it (a request's tokens are known only after
   * it ran; the debt delays the next requests instead).
   */
  mode: "strict" | "debt";
}

export type TakeResult = { ok: true } | { ok: false; /** Index of the bucket that said no. */ index: number; retryAfterMs: number };

export interface RateLimitStore {
  /** Takes from every bucket, or from none when one says no. */
  take(takes: readonly BucketTake[]): Promise<TakeResult>;
  /** Adds `amount` (negative: removes), capped at capacity. */
  adjust(bucket: BucketSpec, amount: number): Promise<void>;
  close(): Promise<void>;
}

/** The time until a bucket at `level` can satisfy a take. */
export function waitMs(level: number, take: Pick<BucketTake, "amount" | "mode" | "refillPerMs">): number {
  const needed = take.mode === "strict" ? take.amount - level : -level + Number.EPSILON;
  return Math.max(1, Math.ceil(needed / take.refillPerMs));
}
