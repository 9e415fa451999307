// The ledger as the app runs it: the store from config, the batching
// writer over it and the router observer that feeds it.
import type { Config } from "../config/index.js";
import type { Logger } from "../core/log.js";
import type { PriceTable } from "../pricing/index.js";
import type { RouteObserver } from "../router/index.js";
import { createUsageLedger, type UsageLedger } from "./ledger.js";
import { openLedgerStore } from "./open-store.js";
import { createUsageRecorder } from "./recorder.js";
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
  const ledger = createUsageLedger({
    store,
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
      const { written, dropped } = ledger.stats();
      options.log.info("usage ledger closed", { written, dropped });
      await store.close();
    },
  };
}
