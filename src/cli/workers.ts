// `tierd serve --workers N`: N processes share the listening port
// (node:cluster; the primary accepts and hands connections round-robin), so
// tierd uses every core. The primary only supervises: it starts the
// workers, starts another when one dies (backing off, and giving up on a
// crash loop), forwards SIGHUP (reload) to each, and on SIGTERM or SIGINT
// drains them all and exits when the last one has. Each worker is a whole
// tierd with its own ledger writer; what must be exact across workers
// (budgets, rate limits) has to live in a shared store, so the primary
// refuses N > 1 when they would be counted per process.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Config } from "../config/index.js";
import type { Logger } from "../core/log.js";

/** `--workers` as given: a count, or "auto" (one per core). */
export function parseWorkers(value: string | undefined): number | string {
  if (value === undefined) return 1;
  if (value === "auto") return availableParallelism();
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : `--workers must be an integer in 1-256 or "auto", got "${value}"`;
}

/** Why this config cannot run as several processes, or undefined when it can. */
export function workersProblem(config: Config, workers: number): string | undefined {
  if (workers <= 1 || !config.auth.enabled || config.counters.store === "redis") return undefined;
  const limited = Object.keys(config.budgets).length > 0 || Object.keys(config.rate_limits).length > 0;
  if (!limited) return undefined;
  return `--workers ${workers}: budgets and rate limits must be counted once across the workers, so they need counters.store: redis (with the default memory store each worker would count alone, and a caller would get ${workers} times its budget)`;
}

export interface SuperviseOptions {
  workers: number;
  log: Logger;
  /** A worker that exits on its own is started again after this long (doubling while they keep dying). Default 1000 ms. */
  restartDelayMs?: number;
  /** This many unplanned exits within a minute is a crash loop: stop and exit 1. Default 10. */
  maxRestartsPerMinute?: number;
}

/** Runs in the primary until every worker has stopped; resolves with the exit code. */
export function superviseWorkers(options: SuperviseOptions): Promise<number> {
  const { log } = options;
  const baseDelay = options.restartDelayMs ?? 1_000;
  const maxRestarts = options.maxRestartsPerMinute ?? 10;
  const restarts: number[] = [];
  let stopping = false;
  let failed = false;
  const live = new Set<Worker>();

  return new Promise((resolve) => {
    const start = () => {
      const worker = cluster.fork();
      live.add(worker);
      worker.once("online", () => log.info("tierd worker started", { pid: worker.process.pid }));
      worker.once("exit", (code, signal) => {
        live.delete(worker);
        if (code !== 0 && code !== null) failed = true;
        if (stopping) {
          if (live.size === 0) resolve(failed ? 1 : 0);
          return;
        }
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
        if (restarts.length > maxRestarts) {
          log.error("tierd workers keep dying; stopping the rest", { exits_in_last_minute: restarts.length });
          stop("SIGTERM");
          return;
        }
        const delay = Math.min(30_000, baseDelay * 2 ** Math.max(0, restarts.length - 1));
        log.warn("tierd worker exited; starting another", { pid: worker.process.pid, code, signal, restart_in_ms: delay });
        setTimeout(() => {
          if (!stopping) start();
        }, delay).unref();
      });
    };

    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1 && stopping) {
        log.warn("second signal: killing the workers now", { signal });
        for (const w of live) w.process.kill("SIGKILL");
        failed = true;
        return;
      }
      stopping = true;
      log.info("stopping: each worker drains its calls, then exits", { signal, workers: live.size });
      if (live.size === 0) resolve(failed ? 1 : 0);
      for (const w of live) w.process.kill("SIGTERM");
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGHUP", () => {
      for (const w of live) w.process.kill("SIGHUP");
    });
    log.info("tierd primary supervising workers", { workers: options.workers, pid: process.pid });
    for (let i = 0; i < options.workers; i++) start();
  });
}
