// PostgreSQL through pg: the scale-out ledger that many replicas write.
// Every connection runs in the configured schema (search_path), so the SQL
// and migrations are the same text as for SQLite.
import pg from "pg";
import type { Logger } from "../core/log.js";
import type { SqlDriver, SqlQuery, SqlValue } from "./sql-driver.js";

export interface PostgresDriverOptions {
  /** postgres://user@host:port/db, without the `schema` parameter. */
  connectionString: string;
  /** Schema holding the ledger's tables; created when missing. */
  schema: string;
  /** Pool size; writes come from one flusher, reports add a few reads. */
  maxConnections?: number;
  log: Logger;
}

export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function createPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid PostgreSQL schema name "${options.schema}"`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 4,
    options: `-c search_path=${options.schema}`,
  });
  // An idle connection that dies (server restart) must not crash tierd; the
  // pool replaces it and the ledger retries the write.
  pool.on("error", (err) => options.log.warn("ledger database connection lost", { error: err.message }));

  const query: SqlQuery = async (sql, params = []) => (await pool.query(numbered(sql), params as SqlValue[])).rows;

  return {
    dialect: "postgres",
    location: locationOf(options.connectionString, options.schema),
    query,
    async insertMany(table, columns, rows) {
      if (rows.length === 0) return;
      const params: SqlValue[] = [];
      const tuples = rows.map((row) => {
        const start = params.length;
        for (const value of row) params.push(typeof value === "bigint" ? value.toString() : value);
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
        await fn(async (sql, params = []) => (await client.query(numbered(sql), params as SqlValue[])).rows);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
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
