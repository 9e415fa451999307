// SQLite through better-sqlite3: the embedded default. Synchronous calls
// under an async face; a batch insert of a few hundred rows takes well under
// a millisecond, so the event loop barely notices.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { errorCode, type SqlDriver, type SqlQuery, type SqlValue } from "./sql-driver.js";
import { createSqliteReaders } from "./sqlite-readers.js";

export interface SqliteDriverOptions {
  /** A file path, or ":memory:". */
  path: string;
}

export function createSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const memory = options.path === ":memory:";
  if (!memory) mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  // Integers come back as bigint: money columns stay exact past 2^53.
  db.defaultSafeIntegers(true);
  if (!memory) {
    // WAL lets `tierd report` read while the server writes; NORMAL sync is
    // durable across a process crash (what SIGTERM/SIGKILL can do), which
    // is the failure this ledger guards against.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  // better-sqlite3 waits for a lock synchronously, on the event loop: a long
  // wait would stop tierd answering while another process holds the file.
  // A short one rides out brief contention; past it the write fails with
  // SQLITE_BUSY and the ledger retries it later, asynchronously.
  db.pragma("busy_timeout = 50");
  const inserts = new Map<string, Database.Statement>();
  const readers = memory ? undefined : createSqliteReaders(options.path);

  const query: SqlQuery = async (sql, params = []) => {
    const stmt = db.prepare(sql);
    if (stmt.reader) return stmt.all(...(params as SqlValue[])) as Record<string, unknown>[];
    stmt.run(...(params as SqlValue[]));
    return [];
  };

  return {
    dialect: "sqlite",
    location: memory ? "sqlite::memory:" : `sqlite:${options.path}`,
    query,
    // Reads never wait on SQLite's writers (WAL), and better-sqlite3 cannot
    // interrupt a statement anyway. A file's long reads run on reader threads,
    // off the event loop; an in-memory database has no second connection.
    longRead: (sql, params) => (readers === undefined ? query(sql, params) : readers.read(sql, (params ?? []) as SqlValue[])),
    async insertMany(table, columns, rows) {
      const key = `${table}(${columns.join(",")})`;
      let stmt = inserts.get(key);
      if (stmt === undefined) {
        stmt = db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT (id) DO NOTHING`);
        inserts.set(key, stmt);
      }
      const insert = stmt;
      db.transaction(() => {
        for (const row of rows) insert.run(...(row as SqlValue[]));
      })();
    },
    async exclusive(fn) {
      db.exec("BEGIN IMMEDIATE");
      try {
        await fn(query);
        db.exec("COMMIT");
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    // Constraints, a value too big, a type mismatch; not SQLITE_BUSY,
    // SQLITE_IOERR or SQLITE_FULL, which a later write can get past.
    // better-sqlite3 throws RangeError or TypeError when it cannot bind a
    // value at all (a bigint beyond 64 bits).
    isDataError: (err) => err instanceof RangeError || err instanceof TypeError || /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(errorCode(err) ?? ""),
    async close() {
      await readers?.close();
      db.close();
    },
  };
}
