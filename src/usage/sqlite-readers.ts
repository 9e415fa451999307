// Long reads of a SQLite ledger (a month's report: seconds over a million
// records) on worker threads, each with its own read-only connection.
// better-sqlite3 runs a statement synchronously on the thread that calls it,
// so on the main thread a report would stop tierd answering for as long as
// the report takes; in a worker the event loop goes on serving, and the
// report's independent queries run side by side (WAL lets readers run beside
// the writer). The worker is plain CommonJS evaluated from a string, so it
// runs the same from the compiled build and from the TypeScript sources.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { SqlValue } from "./sql-driver.js";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.defaultSafeIntegers(true);
db.pragma("busy_timeout = 5000");
parentPort.on("message", (m) => {
  try {
    parentPort.postMessage({ id: m.id, rows: db.prepare(m.sql).all(...m.params) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err), code: err && err.code });
  }
});
`;

export interface SqliteReaders {
  read(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (err: Error) => void;
}

/** Up to `size` workers, started on first use; a read goes to the least busy. */
export function createSqliteReaders(path: string, size = 2): SqliteReaders {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const workers: { worker: Worker; busy: number; pending: Map<number, Pending> }[] = [];
  let nextId = 1;
  let closed = false;
  const spawn = () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module } });
    // An idle reader must never keep the process alive on its own; a busy one must, until it answers.
    worker.unref();
    const entry = { worker, busy: 0, pending: new Map<number, Pending>() };
    worker.on("message", (m: { id: number; rows?: Record<string, unknown>[]; error?: string; code?: string }) => {
      const p = entry.pending.get(m.id);
      if (p === undefined) return;
      entry.pending.delete(m.id);
      entry.busy--;
      if (entry.busy === 0) worker.unref();
      if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), m.code === undefined ? {} : { code: m.code }));
      else p.resolve(m.rows ?? []);
    });
    const failAll = (err: Error) => {
      for (const p of entry.pending.values()) p.reject(err);
      entry.pending.clear();
      const at = workers.indexOf(entry);
      if (at >= 0) workers.splice(at, 1);
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`the ledger's report reader stopped (exit ${code})`)));
    workers.push(entry);
    return entry;
  };
  return {
    read(sql, params) {
      if (closed) return Promise.reject(new Error("the ledger is closed"));
      const idle = workers.find((w) => w.busy === 0);
      const entry = idle ?? (workers.length < size ? spawn() : workers.reduce((a, b) => (b.busy < a.busy ? b : a)));
      const id = nextId++;
      entry.busy++;
      entry.worker.ref();
      return new Promise((resolve, reject) => {
        entry.pending.set(id, { resolve, reject });
        entry.worker.postMessage({ id, sql, params });
      });
    },
    async close() {
      closed = true;
      await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
    },
  };
}
