import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLedgerSpool } from "../../src/usage/spool.js";
import type { UsageRecord } from "../../src/usage/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "tierd-spool-unit-"));
  dirs.push(d);
  return d;
};
const record = (id: string) => ({ id, requestId: `r-${id}`, costPicoUsd: 123456789012345678901n, callerMetadata: { team: "a" } }) as unknown as UsageRecord;

describe("the ledger spool", () => {
  it("keeps records exactly (bigint costs included) in a private file per database, until they are replayed", () => {
    const dir = fresh();
    const spool = createLedgerSpool(dir, "postgres://db-a");
    spool.append([record("1"), record("2")]);
    expect(statSync(spool.path).mode & 0o777).toBe(0o600);
    expect(createLedgerSpool(dir, "postgres://db-b").take()).toEqual([]);
    const taken = spool.take();
    expect(taken).toEqual([record("1"), record("2")]);
    // Not yet confirmed written: a crash here replays them again next time, with what was spooled since.
    spool.append([record("3")]);
    expect(createLedgerSpool(dir, "postgres://db-a").take().map((r) => r.id)).toEqual(["1", "2", "3"]);
    spool.replayed();
    expect(spool.take()).toEqual([]);
    expect(existsSync(spool.path)).toBe(false);
  });

  it("skips a line cut short by a crash and keeps the rest", () => {
    const dir = fresh();
    const spool = createLedgerSpool(dir, "sqlite:x.db");
    spool.append([record("1")]);
    appendFileSync(spool.path, '{"id":"2","requestId":');
    expect(spool.take().map((r) => r.id)).toEqual(["1"]);
  });
});
