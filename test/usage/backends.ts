// The two ledger backends every ledger test runs against, each in a place of
// its own that the test removes afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestSchema } from "../helpers/postgres.js";

export interface LedgerDatabase {
  /** usage.database_url */
  url: string;
  drop(): Promise<void>;
}

export const LEDGER_BACKENDS: { name: string; setup(): LedgerDatabase }[] = [
  {
    name: "SQLite",
    setup() {
      const dir = mkdtempSync(join(tmpdir(), "tierd-ledger-"));
      return { url: `sqlite:${join(dir, "ledger.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "PostgreSQL",
    setup() {
      const schema = createTestSchema();
      return { url: schema.url, drop: () => schema.drop() };
    },
  },
];
