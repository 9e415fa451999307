// Where ledger records go when the database cannot take them before
// shutdown: a local JSONL file, one per database (named by a hash of its
// URL, so a record is only ever replayed into the ledger it was meant for).
// The next start replays the file into the queue; the database skips ids
// it already has, so a record replayed twice is written once. Writes are
// synchronous: the spool is used once, at the very end of shutdown, and
// must be on disk before the process exits.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bigintReplacer, bigintReviver } from "../core/bigint-json.js";
import type { UsageRecord } from "./record.js";

export interface LedgerSpool {
  readonly path: string;
  /** Appends records (one JSON line each), creating the file (mode 0600: it may hold prompts, as the ledger does). */
  append(records: readonly UsageRecord[]): void;
  /**
   * Takes what earlier runs spooled, for replay: the file moves aside
   * (".replaying") until `replayed()` says the records are in the database;
   * a run that dies before then replays them again next time.
   */
  take(): UsageRecord[];
  /** The taken records are written: their file goes. */
  replayed(): void;
}

export function createLedgerSpool(dir: string, databaseUrl: string): LedgerSpool {
  const name = `ledger-spool-${createHash("sha256").update(databaseUrl).digest("hex").slice(0, 12)}.jsonl`;
  const path = join(dir, name);
  const replaying = `${path}.replaying`;
  return {
    path,
    append(records) {
      if (records.length === 0) return;
      mkdirSync(dir, { recursive: true });
      appendFileSync(path, records.map((r) => JSON.stringify(r, bigintReplacer)).join("\n") + "\n", { mode: 0o600 });
    },
    take() {
      // A replay that did not finish last time comes first; then what was spooled since.
      if (existsSync(path)) {
        if (existsSync(replaying)) appendFileSync(replaying, readFileSync(path));
        else renameSync(path, replaying);
        rmSync(path, { force: true });
      }
      if (!existsSync(replaying)) return [];
      const records: UsageRecord[] = [];
      for (const line of readFileSync(replaying, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        try {
          records.push(JSON.parse(line, bigintReviver) as UsageRecord);
        } catch {
          // A line cut by a crash mid-write: the rest still counts.
        }
      }
      return records;
    },
    replayed() {
      rmSync(replaying, { force: true });
    },
  };
}
