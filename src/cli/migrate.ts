// `tierd migrate`: brings the usage ledger's schema up to date and exits, for
// a step that runs before a rollout (a Kubernetes Job, a compose one-shot
// service). The server migrates at start-up too (replicas take turns on a
// PostgreSQL advisory lock), so running this first is about order, not
// need: a migration that fails stops the rollout before any replica
// restarts, and new replicas start on the schema they expect.
import { parseArgs } from "node:util";
import { configSchema, loadConfig } from "../config/index.js";
import { silentLogger } from "../core/log.js";
import { createLedgerStore, driverFor, MIGRATIONS } from "../usage/index.js";
import { LEDGER_ARG_OPTIONS } from "./ledger-access.js";

export const MIGRATE_USAGE = `usage: tierd migrate [--config FILE | --database-url URL]

  Creates the usage ledger when it is missing, applies the schema migrations
  it lacks and exits 0. The ledger is the one a server with the same config
  writes: --database-url, else usage.database_url of --config FILE or
  $TIERD_CONFIG, else the default (./.tierd/ledger.db).
`;

export interface MigrateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: MigrateIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

/** Argument and config mistakes throw (runLedgerCommand prints them); a database that fails is exit 1. */
export async function runMigrate(args: string[], env: NodeJS.ProcessEnv, io: MigrateIo = processIo): Promise<number> {
  const { values } = parseArgs({ args, options: { ...LEDGER_ARG_OPTIONS, help: { type: "boolean" } }, strict: true });
  if (values.help) {
    io.stdout(MIGRATE_USAGE);
    return 0;
  }
  const configPath = values.config ?? (env.TIERD_CONFIG || undefined);
  const usage = configPath === undefined ? configSchema.shape.usage.parse(undefined) : loadConfig({ path: configPath, env }).usage;
  if (values["database-url"] === undefined && !usage.enabled) {
    io.stdout(`tierd migrate: usage.enabled is false in ${configPath ?? "the config"}: no ledger to migrate\n`);
    return 0;
  }
  const databaseUrl = values["database-url"] ?? usage.database_url;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  let store;
  try {
    store = createLedgerStore(driverFor(databaseUrl, silentLogger));
  } catch (err) {
    io.stderr(`tierd migrate: ${reasonOf(err)}\n`);
    return 1;
  }
  try {
    const version = await store.migrate();
    // A newer tierd migrated this ledger (a rollback to an older image):
    // migrations only add, so the older one still reads and writes it.
    const note = version > latest ? ` (newer than this tierd's ${latest}: a later release migrated it)` : "";
    io.stdout(`tierd migrate: ${store.location} is at schema version ${version}${note}\n`);
    return 0;
  } catch (err) {
    io.stderr(`tierd migrate: cannot migrate ${store.location}: ${reasonOf(err)}\n`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
