// A SQLite ledger's long reads (reports) run on reader threads: the event
// loop keeps turning while one runs, and the results are those of the main
// connection, bigints included.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteDriver } from "../../src/usage/sqlite-driver.js";
import type { SqlDriver } from "../../src/usage/sql-driver.js";

/** A read that keeps SQLite busy for a while: a recursive count to five million. */
const SLOW = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT COUNT(*) AS c FROM n";

describe("SQLite report reads", () => {
  const dir = mkdtempSync(join(tmpdir(), "tierd-readers-"));
  let driver: SqlDriver;
  beforeAll(async () => {
    driver = createSqliteDriver({ path: join(dir, "ledger.db") });
    await driver.query("CREATE TABLE t (v BIGINT NOT NULL)");
    await driver.query("INSERT INTO t (v) VALUES (?)", [9_007_199_254_740_993n]);
  });
  afterAll(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("run off the event loop: a callback queued after a long read starts runs before its answer", async () => {
    let turned = false;
    const read = driver.longRead(SLOW, [], 60_000).then((rows) => ({ rows, turnedFirst: turned }));
    setImmediate(() => (turned = true));
    const { rows, turnedFirst } = await read;
    expect(rows[0]!.c).toBe(5_000_000n);
    expect(turnedFirst).toBe(true);
  });

  it("see what the main connection wrote, bigints exact, and run side by side", async () => {
    const [a, b] = await Promise.all([driver.longRead("SELECT v FROM t", [], 60_000), driver.longRead(SLOW, [], 60_000)]);
    expect(a).toEqual([{ v: 9_007_199_254_740_993n }]);
    expect(b[0]!.c).toBe(5_000_000n);
  });

  it("answer a bad statement with its error, and keep serving the next", async () => {
    await expect(driver.longRead("SELECT nope FROM t", [], 60_000)).rejects.toThrow(/no such column: nope/);
    expect(await driver.longRead("SELECT COUNT(*) AS n FROM t", [], 60_000)).toEqual([{ n: 1n }]);
  });
});
