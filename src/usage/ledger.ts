// The ledger writer: records go into a bounded in-memory queue on the
// request path (no I/O there) and a single flusher writes them in batches.
// A failed write keeps its records queued and is retried with backoff;
// close() writes whatever is left, which is how SIGTERM loses nothing. A
// batch the database refuses for what a record holds is written record by
// record instead, and only the refused ones are dropped: one bad record
// must not hold up every record behind it.
import { usageSchema } from "../config/index.js";
import { silentLogger, type Logger } from "../core/log.js";
import type { UsageRecord } from "./record.js";
import type { LedgerSpool } from "./spool.js";
import type { LedgerStore } from "./store.js";

export interface UsageLedgerOptions {
  /** A store without isRecordError has every failure retried. */
  store: Pick<LedgerStore, "insertRecords" | "location"> & Partial<Pick<LedgerStore, "isRecordError">>;
  /** Records per write. Default 200. */
  batchSize?: number;
  /** Longest a record waits in memory before a write. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Records held in memory at most. Default 50,000. */
  queueLimit?: number;
  /**
   * A full queue (the database is down or slower than the traffic):
   * "drop" serves the request and counts, logs and reports the lost record;
   * "wait" makes the request wait for room. Default "drop".
   */
  onQueueFull?: "drop" | "wait";
  log?: Logger;
  /** Backoff after a failed write, doubling from min to max. Defaults 100 ms and 5 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Drops are logged at most once per this interval (with the count). Default 10 s. */
  dropLogIntervalMs?: number;
  /** Where close() puts what the database did not take in time, for the next start (spool.ts); absent: dropped. */
  spool?: Pick<LedgerSpool, "append" | "path">;
}

export interface LedgerStats {
  /** Records waiting in memory. */
  queued: number;
  /** Records written since start. */
  written: number;
  /** Records lost since start (full queue, unwritten at close, or refused by the database). */
  dropped: number;
  /** Of the dropped, those the database refused for what they hold. */
  rejected: number;
  /** Writes that failed and were retried. */
  failedWrites: number;
  /** Records written to the spool file at shutdown, for the next start. */
  spooled: number;
}

export interface UsageLedger {
  /**
   * Queues a record. Returns a promise only when the queue is full and the
   * policy is "wait"; the request path awaits it.
   */
  record(record: UsageRecord): void | Promise<void>;
  /** Writes everything queued now. Resolves when written, or rejects at the deadline. */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops taking records and writes the rest within `timeoutMs`; what is left then is spooled (or, without a spool, dropped) and logged. */
  close(timeoutMs?: number): Promise<void>;
  stats(): LedgerStats;
}

interface ResolvedOptions {
  batchSize: number;
  flushIntervalMs: number;
  queueLimit: number;
  onQueueFull: "drop" | "wait";
  log: Logger;
  retryMinMs: number;
  retryMaxMs: number;
  dropLogIntervalMs: number;
}

/** The configured defaults (the schema holds them), for callers that pass fewer options (tests, benchmarks). */
const CONFIG_DEFAULTS = usageSchema.parse({});

function validateUsageLedgerOptions(o: UsageLedgerOptions): ResolvedOptions {
  const resolved = {
    batchSize: o.batchSize ?? CONFIG_DEFAULTS.batch_size,
    flushIntervalMs: o.flushIntervalMs ?? CONFIG_DEFAULTS.flush_interval_ms,
    queueLimit: o.queueLimit ?? CONFIG_DEFAULTS.queue_limit,
    onQueueFull: o.onQueueFull ?? CONFIG_DEFAULTS.on_queue_full,
    log: o.log ?? silentLogger,
    retryMinMs: o.retryMinMs ?? 100,
    retryMaxMs: o.retryMaxMs ?? 5_000,
    dropLogIntervalMs: o.dropLogIntervalMs ?? 10_000,
  };
  if (!(resolved.batchSize >= 1)) throw new Error("usage ledger: batchSize must be at least 1");
  if (!(resolved.queueLimit >= resolved.batchSize)) throw new Error("usage ledger: queueLimit must be at least batchSize");
  return resolved;
}

export function createUsageLedger(options: UsageLedgerOptions): UsageLedger {
  const o = validateUsageLedgerOptions(options);
  const { store } = options;
  const queue: UsageRecord[] = [];
  const waiting: { record: UsageRecord; resolve: () => void }[] = [];
  const stats = { written: 0, dropped: 0, rejected: 0, failedWrites: 0, spooled: 0 };
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let drainScheduled = false;
  let closed = false;
  let consecutiveFailures = 0;
  let lastDropLog = -Infinity;
  let droppedSinceLog = 0;

  const noteDrop = (count: number, why: string) => {
    stats.dropped += count;
    droppedSinceLog += count;
    const now = Date.now();
    if (now - lastDropLog >= o.dropLogIntervalMs) {
      o.log.error("usage ledger dropped records", { reason: why, dropped: droppedSinceLog, dropped_total: stats.dropped, queue_limit: o.queueLimit });
      lastDropLog = now;
      droppedSinceLog = 0;
    }
  };

  /**
   * The batch was refused for what one of its records holds: writes the
   * records one at a time, taking each off the queue once written or
   * refused alone. Another kind of failure on the way is thrown, and the
   * records not yet tried stay queued.
   */
  const writeOneByOne = async (batch: UsageRecord[]) => {
    for (const record of batch) {
      try {
        await store.insertRecords([record]);
        queue.shift();
        stats.written++;
      } catch (err) {
        if (store.isRecordError?.(err) !== true) throw err;
        stats.rejected++;
        // Ids and reasons only: the record may hold a stored prompt.
        o.log.error("usage ledger: the database refused a record; it is dropped", {
          error: err instanceof Error ? err.message : String(err),
          location: store.location,
          request_id: record.requestId,
          record_id: record.id,
        });
        queue.shift();
        noteDrop(1, "refused by the database");
      }
    }
  };

  const admitWaiting = () => {
    while (waiting.length > 0 && queue.length < o.queueLimit) {
      const next = waiting.shift()!;
      queue.push(next.record);
      next.resolve();
    }
  };

  /** Writes batches while there is a full one (or everything, when forced). */
  const drain = (force: boolean, deadline = Infinity): Promise<void> => {
    if (draining !== undefined) return draining.then(() => (queue.length > 0 && force ? drain(force, deadline) : undefined));
    draining = (async () => {
      while (queue.length > 0 && (force || queue.length >= o.batchSize)) {
        const batch = queue.slice(0, o.batchSize);
        try {
          try {
            await store.insertRecords(batch);
            queue.splice(0, batch.length);
            stats.written += batch.length;
          } catch (err) {
            if (store.isRecordError?.(err) !== true) throw err;
            await writeOneByOne(batch);
          }
          consecutiveFailures = 0;
          admitWaiting();
        } catch (err) {
          stats.failedWrites++;
          consecutiveFailures++;
          const backoff = Math.min(o.retryMaxMs, o.retryMinMs * 2 ** Math.min(consecutiveFailures - 1, 16));
          // The first failure and then every tenth: an outage is loud, not a flood.
          if (consecutiveFailures === 1 || consecutiveFailures % 10 === 0) {
            o.log.warn("usage ledger write failed; records stay queued and are retried", {
              error: err instanceof Error ? err.message : String(err),
              location: store.location,
              queued: queue.length,
              consecutive_failures: consecutiveFailures,
              retry_in_ms: backoff,
            });
          }
          const wait = Math.min(backoff, Math.max(0, deadline - Date.now()));
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (Date.now() >= deadline) return;
        }
      }
    })().finally(() => {
      draining = undefined;
      schedule();
    });
    return draining;
  };

  const schedule = () => {
    if (closed || queue.length === 0) return;
    if (queue.length >= o.batchSize) {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      // Off the caller's stack: the request that filled the batch returns first.
      if (draining === undefined && !drainScheduled) {
        drainScheduled = true;
        setImmediate(() => {
          drainScheduled = false;
          void drain(false);
        });
      }
      return;
    }
    if (timer === undefined && draining === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        void drain(true);
      }, o.flushIntervalMs);
      // The ledger never keeps a process alive; close() does the last write.
      timer.unref();
    }
  };

  const flushWithin = async (timeoutMs: number) => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const deadline = Date.now() + timeoutMs;
    while (queue.length > 0 || waiting.length > 0) {
      admitWaiting();
      await drain(true, deadline);
      if (Date.now() >= deadline && queue.length > 0) break;
    }
  };

  return {
    record(record) {
      if (closed) {
        noteDrop(1, "record after the ledger closed");
        return undefined;
      }
      if (queue.length >= o.queueLimit) {
        if (o.onQueueFull === "drop") {
          noteDrop(1, "queue full");
          return undefined;
        }
        return new Promise<void>((resolve) => {
          waiting.push({ record, resolve });
          schedule();
        });
      }
      queue.push(record);
      schedule();
      return undefined;
    },

    async flush(timeoutMs = 10_000) {
      await flushWithin(timeoutMs);
      if (queue.length > 0) throw new Error(`usage ledger: ${queue.length} records still unwritten after ${timeoutMs} ms`);
    },

    async close(timeoutMs = 10_000) {
      if (closed) return;
      closed = true;
      await flushWithin(timeoutMs);
      const left = [...queue, ...waiting.map((w) => w.record)];
      if (left.length > 0) {
        queue.length = 0;
        for (const w of waiting.splice(0)) w.resolve();
        try {
          if (options.spool === undefined) throw new Error("no spool configured (usage.spool_dir)");
          options.spool.append(left);
          stats.spooled += left.length;
          o.log.warn("usage ledger: records the database did not take before shutdown are spooled to a file; the next start writes them", {
            spooled: left.length,
            spool: options.spool.path,
            location: store.location,
          });
        } catch (err) {
          lastDropLog = -Infinity;
          noteDrop(left.length, `unwritten at shutdown (database unreachable; not spooled: ${err instanceof Error ? err.message : String(err)})`);
        }
      }
    },

    stats: () => ({ queued: queue.length + waiting.length, ...stats }),
  };
}
