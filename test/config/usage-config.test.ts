import { describe, expect, it } from "vitest";
import { startTierd } from "../../src/app.js";
import { ConfigError, parseConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import { MIGRATIONS, openLedgerStore } from "../../src/usage/index.js";
import { createTestSchema } from "../helpers/postgres.js";
import { problemsOf } from "../helpers/config.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const yamlWith = (usage: string) => baseConfigYaml("http://127.0.0.1:9/v1").replace('usage:\n  database_url: "sqlite::memory:"\n', `usage:\n${usage}\n`);

describe("usage configuration", () => {
  it("defaults to a SQLite file under .tierd with prompts off", () => {
    const config = parseConfig(baseConfigYaml("http://127.0.0.1:9/v1").replace(/usage:\n.*\n/, ""), "t.yaml", {});
    expect(config.usage).toEqual({
      enabled: true,
      database_url: "sqlite:.tierd/ledger.db",
      store_prompts: false,
      batch_size: 200,
      flush_interval_ms: 1000,
      queue_limit: 50000,
      on_queue_full: "drop",
      spool_dir: ".tierd",
      max_frontier_share: 0.3,
    });
  });

  it("names the field of a bad value", () => {
    expect(problemsOf(yamlWith('  database_url: "mysql://x/y"'))[0]).toMatch(/^usage\.database_url: /);
    expect(problemsOf(yamlWith("  on_queue_full: block"))).toEqual(['usage.on_queue_full: expected one of "drop", "wait", got "block"']);
    expect(problemsOf(yamlWith("  batch_size: 5000"))[0]).toMatch(/^usage\.batch_size: /);
    expect(problemsOf(yamlWith("  max_frontier_share: 1.5"))[0]).toMatch(/^usage\.max_frontier_share: /);
    expect(problemsOf(yamlWith("  store_prompt: true"))).toEqual(['usage: unknown field "store_prompt"']);
  });

  it("stops start-up with the reason when the ledger database cannot be opened", async () => {
    const err = await startTierd({ configText: yamlWith('  database_url: "postgres://postgres@127.0.0.1:1/test"'), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain("usage.database_url: cannot open the usage ledger (");
    expect((err as ConfigError).message).toContain("set usage.enabled: false");
  });
});

describe("PostgreSQL migrations", () => {
  it("migrate once when several replicas start together", async () => {
    const schema = createTestSchema();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openLedgerStore({ databaseUrl: schema.url, log: silentLogger })));
      expect(await Promise.all(stores.map((s) => s.migrate()))).toEqual(Array(3).fill(MIGRATIONS[MIGRATIONS.length - 1]!.version));
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await schema.drop();
    }
  });
});
