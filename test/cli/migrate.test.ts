// `tierd migrate`, the step a Kubernetes Job or a compose one-shot service
// runs before the rollout: it creates or upgrades the ledger the config names
// and exits 0, on SQLite and on the real PostgreSQL.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrate, type MigrateIo } from "../../src/cli/migrate.js";
import { MIGRATIONS } from "../../src/usage/index.js";
import { createTestSchema, POSTGRES_URL } from "../helpers/postgres.js";

const LATEST = MIGRATIONS.at(-1)!.version;

/** runMigrate in process, with what it printed. */
async function migrate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: MigrateIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const code = await runMigrate(args, env, io);
  return { code, out, err };
}

/** A whole config whose ledger is `databaseUrl` (migrate reads the file as the server does). */
function configYaml(usage: string): string {
  return `
deployments:
  d: { model: openai/gpt-4o-mini, base_url: http://127.0.0.1:9/v1, api_key: "" }
tiers:
  nano: { deployments: [d] }
  mid: { deployments: [d] }
  frontier: { deployments: [d] }
auth: { enabled: false }
usage:
${usage}
`;
}

describe("tierd migrate", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tierd-migrate-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates a missing SQLite ledger with every migration, and a second run changes nothing", async () => {
    const file = join(dir, "new", "ledger.db");
    const first = await migrate(["--database-url", `sqlite:${file}`]);
    expect(first).toEqual({ code: 0, out: `tierd migrate: sqlite:${file} is at schema version ${LATEST}\n`, err: "" });
    const second = await migrate(["--database-url", `sqlite:${file}`]);
    expect(second.code).toBe(0);
    const db = new Database(file, { readonly: true });
    try {
      const versions = db.prepare("SELECT version FROM tierd_migrations ORDER BY version").all() as { version: number }[];
      expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const columns = db.prepare("SELECT name FROM pragma_table_info('usage_records')").all() as { name: string }[];
      expect(columns.map((c) => c.name)).toContain("classifier_cost_pico_usd");
    } finally {
      db.close();
    }
  });

  it("migrates the PostgreSQL ledger of the config in $TIERD_CONFIG, with the config's ${VAR}s from the environment", async () => {
    const schema = createTestSchema("tierd_migrate");
    try {
      const config = join(dir, "pg.yaml");
      writeFileSync(config, configYaml("  database_url: ${LEDGER_URL}"));
      const result = await migrate([], { TIERD_CONFIG: config, LEDGER_URL: schema.url });
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(result.out).toContain(`?schema=${schema.schema} is at schema version ${LATEST}`);
      expect(result.out).not.toContain("postgres@");
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const rows = await client.query(`SELECT version FROM "${schema.schema}".tierd_migrations ORDER BY version`);
        expect(rows.rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        await client.end();
      }
    } finally {
      await schema.drop();
    }
  });

  it("has nothing to do, and exits 0, when the config switches the ledger off", async () => {
    const config = join(dir, "off.yaml");
    writeFileSync(config, configYaml("  enabled: false"));
    expect(await migrate(["--config", config])).toEqual({ code: 0, out: `tierd migrate: usage.enabled is false in ${config}: no ledger to migrate\n`, err: "" });
  });

  it("exits 1 naming the reason when the database cannot be used", async () => {
    const unreachable = await migrate(["--database-url", "postgres://tierd@127.0.0.1:1/ledger"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^tierd migrate: cannot migrate postgres:\/\/127\.0\.0\.1:1\/ledger\?schema=public: .*ECONNREFUSED/);
    const unknown = await migrate(["--database-url", "mysql://127.0.0.1/ledger"]);
    expect(unknown).toEqual({ code: 1, out: "", err: "tierd migrate: usage.database_url: expected sqlite:PATH, sqlite::memory: or postgres://...\n" });
  });

  it("is a command of bin/tierd.js: exit 0 when migrated, 2 with the usage on a bad flag", async () => {
    const run = promisify(execFile);
    const file = join(dir, "cli.db");
    const { stdout } = await run(process.execPath, ["bin/tierd.js", "migrate", "--database-url", `sqlite:${file}`]);
    expect(stdout).toBe(`tierd migrate: sqlite:${file} is at schema version ${LATEST}\n`);
    const bad = await run(process.execPath, ["bin/tierd.js", "migrate", "--no-such-flag"]).catch((err: unknown) => err as { code: number; stderr: string });
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain("usage: tierd migrate");
  });
});
