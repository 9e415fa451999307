// The ledger as the app runs it: the store from config, the batching
// writer over it and the router observer that feeds it.
import type { Config } from "../config/index.js";
import type { Logger } from "../core/log.js";
import type { PriceTable } from "../pricing/index.js";
import type { RouteObserver } from "../router/index.js";
import { createUsageLedger, type UsageLedger } from "./ledger.js";
import { openLedgerStore } from "./open-store.js";
import { createUsageRecorder } from "./recorder.js";
import { createLedgerSpool, type LedgerSpool } from "./spool.js";
import type { LedgerStore } from "./store.js";

export interface RunningLedger {
  store: LedgerStore;
  ledger: UsageLedger;
  observer: RouteObserver;
  /** After a config reload: counterfactual costs follow the new tiers. */
  retune(config: Pick<Config, "tiers" | "deployments">): void;
  /** Writes what is queued (retrying for up to `timeoutMs`) and closes the database. */
  close(timeoutMs: number): Promise<void>;
}

export interface StartUsageLedgerOptions {
  config: Pick<Config, "usage" | "tiers" | "deployments">;
  prices: PriceTable;
  log: Logger;
}

export async function startUsageLedger(options: StartUsageLedgerOptions): Promise<RunningLedger> {
  const { usage } = options.config;
  const store = await openLedgerStore({ databaseUrl: usage.database_url, log: options.log });
  const spool = usage.spool_dir === "" || usage.database_url === "sqlite::memory:" ? undefined : createLedgerSpool(usage.spool_dir, usage.database_url);
  if (spool !== undefined) await replaySpool(spool, store, usage.batch_size, options.log);
  const ledger = createUsageLedger({
    store,
    ...(spool === undefined ? {} : { spool }),
    batchSize: usage.batch_size,
    flushIntervalMs: usage.flush_interval_ms,
    queueLimit: Math.max(usage.queue_limit, usage.batch_size),
    onQueueFull: usage.on_queue_full,
    log: options.log,
  });
  options.log.info("usage ledger open", { location: store.location, store_prompts: usage.store_prompts });
  const recorder = createUsageRecorder({ ledger, prices: options.prices, config: options.config });
  return {
    store,
    ledger,
    observer: recorder,
    retune: (config) => recorder.retune(config),
    async close(timeoutMs) {
      await ledger.close(timeoutMs);
      const { written, dropped, spooled } = ledger.stats();
      options.log.info("usage ledger closed", { written, dropped, spooled });
      await store.close();
    },
  };
}

/**
 * Writes what an earlier run spooled at shutdown, before this one serves.
 * A database that refuses now leaves the file for the next start (the
 * records' ids make a second replay harmless).
 */
async function replaySpool(spool: LedgerSpool, store: LedgerStore, batchSize: number, log: Logger): Promise<void> {
  let records;
  try {
    records = spool.take();
  } catch (err) {
    log.error("usage ledger: the spool file cannot be read; it is left for the next start", { spool: spool.path, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  if (records.length === 0) return;
  try {
    for (let i = 0; i < records.length; i += batchSize) {
      const batch = records.slice(i, i + batchSize);
      try {
        await store.insertRecords(batch);
      } catch (err) {
        if (!store.isRecordError(err)) throw err;
        // One record the database refuses must not keep the rest out: one at a time, the refused ones skipped.
        for (const record of batch) {
          await store.insertRecords([record]).catch((e: unknown) => {
            if (!store.isRecordError(e)) throw e;
            log.error("usage ledger: the database refused a spooled record; it is dropped", { request_id: record.requestId, record_id: record.id });
          });
        }
      }
    }
    spool.replayed();
    log.info("usage ledger: records spooled at an earlier shutdown are written", { records: records.length, spool: spool.path });
  } catch (err) {
    log.warn("usage ledger: spooled records could not be written yet; they stay spooled for the next start", { records: records.length, spool: spool.path, error: err instanceof Error ? err.message : String(err) });
  }
}
