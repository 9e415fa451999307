// The little the ledger needs from a SQL database, so one store (store.ts)
// and one list of migrations serve SQLite and PostgreSQL alike. SQL is
// written with `?` placeholders; drivers translate.
import type { TierName } from "../core/tiers.js";

export type SqlValue = string | number | bigint | null;
export type SqlRow = Record<string, unknown>;
export type SqlQuery = (sql: string, params?: readonly SqlValue[]) => Promise<SqlRow[]>;

export interface SqlDriver {
  readonly dialect: "sqlite" | "postgres";
  /** A short, secret-free description of where the data lives, for logs. */
  readonly location: string;
  query: SqlQuery;
  /**
   * A read that may take longer than a write is allowed to (a report over a
   * large window), bounded by `timeoutMs` instead of the driver's statement
   * timeout.
   */
  longRead(sql: string, params: readonly SqlValue[], timeoutMs: number): Promise<SqlRow[]>;
  /** Writes rows in one atomic statement or transaction; rows whose `id` exists are skipped. */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /**
   * Runs `fn` in one transaction that holds the database's migration lock,
   * so replicas starting together migrate once.
   */
  exclusive(fn: (query: SqlQuery) => Promise<void>): Promise<void>;
  /**
   * Whether an error says the database refused the rows for what they hold
   * (a value it cannot store, a constraint), so writing them again would
   * fail again; not an outage, a timeout or a lock.
   */
  isDataError(err: unknown): boolean;
  close(): Promise<void>;
}

/** The `code` property that pg and better-sqlite3 errors carry, if any. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Reads an integer column as a bigint, whatever the driver returned. */
export function bigintOf(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  if (typeof value === "string" && value !== "") return BigInt(value);
  return 0n;
}

/** Reads a numeric column as a number (null stays null). */
export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Number(value);
}

export function numberOf(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Reads a tier column: a tier name, or null for anything else (NULL, an unknown word). */
export function tierOrNull(value: unknown): TierName | null {
  return value === "nano" || value === "mid" || value === "frontier" ? value : null;
}
