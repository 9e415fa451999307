// PostgreSQL through pg: the scale-out ledger that many replicas write.
// Every connection runs in the configured schema (search_path), so the SQL
// and migrations are the same text as for SQLite.
import pg from "pg";
import type { Logger } from "../core/log.js";
import { errorCode, type SqlDriver, type SqlQuery, type SqlValue } from "./sql-driver.js";

export interface PostgresDriverOptions {
  /** postgres://user@host:port/db, without the `schema` parameter. */
  connectionString: string;
  /** Schema holding the ledger's tables; created when missing. */
  schema: string;
  /** Pool size; writes come from one flusher, reports add a few reads. */
  maxConnections?: number;
  log: Logger;
}

/** Longest one ledger statement may run or wait for a lock. */
export const STATEMENT_TIMEOUT_MS = 3_000;

export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function createPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid PostgreSQL schema name "${options.schema}"`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 4,
    // A write that waits on a lock (a migration, a VACUUM FULL, a stuck
    // transaction) gives up after STATEMENT_TIMEOUT_MS and the ledger retries
    // it within its own deadline, so a locked table never holds a flush or a
    // shutdown for longer than the ledger allows.
    options: `-c search_path=${options.schema} -c statement_timeout=${STATEMENT_TIMEOUT_MS} -c lock_timeout=${STATEMENT_TIMEOUT_MS}`,
    // The same bound client-side, for a server that stopped answering at all.
    query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
    connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
  });
  // An idle connection that dies (server restart) must not crash tierd; the
  // pool replaces it and the ledger retries the write.
  pool.on("error", (err) => options.log.warn("ledger database connection lost", { error: err.message }));

  const query: SqlQuery = async (sql, params = []) => (await pool.query(numbered(sql), params.map(storable))).rows;

  return {
    dialect: "postgres",
    location: locationOf(options.connectionString, options.schema),
    query,
    async longRead(sql, params, timeoutMs) {
      const client = await pool.connect();
      try {
        // SET LOCAL lasts for this transaction only: the pooled connection keeps the short write timeout.
        await client.query("BEGIN READ ONLY");
        await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
        // pg reads query_timeout from a query's config too, though its types name it for the pool only.
        const config: pg.QueryConfig<SqlValue[]> & { query_timeout: number } = { text: numbered(sql), values: params.map(storable), query_timeout: timeoutMs + 1_000 };
        const result = await client.query(config);
        await client.query("COMMIT");
        return result.rows;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async insertMany(table, columns, rows) {
      if (rows.length === 0) return;
      const params: SqlValue[] = [];
      const tuples = rows.map((row) => {
        const start = params.length;
        for (const value of row) params.push(storable(value));
        return `(${row.map((_, i) => `$${start + i + 1}`).join(", ")})`;
      });
      await pool.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT (id) DO NOTHING`, params);
    },
    async exclusive(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // One lock per schema: replicas starting together migrate once.
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`tierd-migrations:${options.schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
        await fn(async (sql, params = []) => (await client.query(numbered(sql), params.map(storable))).rows);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    // SQLSTATE classes 22 (data exception: a value out of range, bad
    // encoding) and 23 (integrity constraint violation).
    isDataError: (err) => /^2[23]/.test(errorCode(err) ?? ""),
    async close() {
      await pool.end();
    },
  };
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite's can), and a caller can put
 * one in any string it sends (an endpoint name, metadata, a prompt). It is
 * stored as U+FFFD, in writes and in the filters of reads alike, so the
 * record is kept and a filter with the same string still finds it.
 */
function storable(value: SqlValue): SqlValue {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" && value.includes("\u0000")) return value.replaceAll("\u0000", "\uFFFD");
  return value;
}

/** `?` placeholders to `$1, $2, ...` (the ledger's SQL has no `?` in literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** host/db/schema without user or password, for logs. */
function locationOf(connectionString: string, schema: string): string {
  try {
    const url = new URL(connectionString);
    return `postgres://${url.host}${url.pathname}?schema=${schema}`;
  } catch {
    return `postgres (schema ${schema})`;
  }
}
