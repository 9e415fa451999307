// From `usage.database_url` to a migrated store: `sqlite:PATH`,
// `sqlite::memory:` or `postgres://...[?schema=NAME]`.
import type { Logger } from "../core/log.js";
import { createPostgresDriver, SCHEMA_NAME } from "./postgres-driver.js";
import { createSqliteDriver } from "./sqlite-driver.js";
import { createLedgerStore, type LedgerStore } from "./store.js";
import type { SqlDriver } from "./sql-driver.js";

export interface OpenLedgerStoreOptions {
  databaseUrl: string;
  log: Logger;
}

/** Opens the database named by the URL and brings its schema up to date. */
export async function openLedgerStore(options: OpenLedgerStoreOptions): Promise<LedgerStore> {
  const store = createLedgerStore(driverFor(options.databaseUrl, options.log));
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

export function driverFor(databaseUrl: string, log: Logger): SqlDriver {
  if (databaseUrl.startsWith("sqlite:")) {
    const path = databaseUrl.slice("sqlite:".length);
    if (path === "") throw new Error("usage.database_url: sqlite: needs a path (or :memory:)");
    return createSqliteDriver({ path });
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get("schema") ?? "public";
    if (!SCHEMA_NAME.test(schema)) throw new Error(`usage.database_url: schema "${schema}" is not a plain SQL identifier`);
    url.searchParams.delete("schema");
    return createPostgresDriver({ connectionString: url.toString(), schema, log });
  }
  throw new Error("usage.database_url: expected sqlite:PATH, sqlite::memory: or postgres://...");
}
