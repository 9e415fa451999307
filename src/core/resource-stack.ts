// What a running tierd holds open (ledger, caches, counters, upstream pools,
// telemetry, the demo upstream), closed in reverse order of opening. One
// stack serves both ends of a life: a start-up that fails half-way closes
// what it opened, and a stop closes everything, in the same order.
export type CloseResource = (graceMs: number) => Promise<unknown>;

export interface ResourceStack {
  /** `close(graceMs)`: `graceMs` is how long it may take to finish work; 0 when start-up failed. */
  push(name: string, close: CloseResource): void;
  /** Closes in reverse order; a failing close is reported and the rest still close. */
  closeAll(graceMs: number, onError?: (name: string, err: unknown) => void): Promise<void>;
  /** Names in closing order (for logs and tests). */
  names(): string[];
}

export function createResourceStack(): ResourceStack {
  const entries: { name: string; close: CloseResource }[] = [];
  return {
    push(name, close) {
      entries.push({ name, close });
    },
    async closeAll(graceMs, onError) {
      while (entries.length > 0) {
        const { name, close } = entries.pop()!;
        try {
          await close(graceMs);
        } catch (err) {
          onError?.(name, err);
        }
      }
    },
    names: () => entries.map((e) => e.name).reverse(),
  };
}
