// What the offline ledger commands share: finding the ledger (from
// --database-url, or the config's usage.database_url) and reading times.
import { existsSync } from "node:fs";
import { ConfigError, configSchema, DEFAULT_DATABASE_URL, DEMO_DATABASE_URL, loadConfigSection } from "../config/index.js";
import { silentLogger } from "../core/log.js";
import { openLedgerStore, type LedgerStore } from "../usage/index.js";

/** parseArgs options every ledger command takes. */
export const LEDGER_ARG_OPTIONS = {
  config: { type: "string" },
  "database-url": { type: "string" },
} as const;

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface LedgerArgs {
  config?: string | undefined;
  "database-url"?: string | undefined;
}

export interface LedgerAccess {
  store: LedgerStore;
  /** The ledger is demo mode's: simulated answers and spend. */
  demo: boolean;
  /** usage.max_frontier_share of the config (or its default). */
  maxFrontierShare: number;
}

/**
 * Opens the ledger a server with this configuration writes. Without --config
 * or $TIERD_CONFIG that is the default, ./.tierd/ledger.db; when only demo
 * mode has run here, its ./.tierd/demo-ledger.db, and `demo` says so.
 */
export async function openLedger(args: LedgerArgs, env: NodeJS.ProcessEnv): Promise<LedgerAccess> {
  const configPath = args.config ?? (env.TIERD_CONFIG || undefined);
  // Only `usage:` is read: a report needs the ledger, not the serve config's
  // upstream keys and other variables.
  const usage = configPath === undefined ? configSchema.shape.usage.parse(undefined) : loadConfigSection(configPath, "usage", env);
  let databaseUrl = args["database-url"] ?? usage.database_url;
  const fileOf = (url: string) => url.slice("sqlite:".length);
  if (args["database-url"] === undefined && configPath === undefined && !existsSync(fileOf(DEFAULT_DATABASE_URL)) && existsSync(fileOf(DEMO_DATABASE_URL))) {
    databaseUrl = DEMO_DATABASE_URL;
  }
  const demo = databaseUrl === DEMO_DATABASE_URL;
  if (databaseUrl.startsWith("sqlite:") && databaseUrl !== "sqlite::memory:") {
    const path = databaseUrl.slice("sqlite:".length);
    if (!existsSync(path)) {
      throw new Error(`no ledger at ${path}: tierd creates it when it serves its first request (or pass --database-url / --config)`);
    }
  }
  if (demo) process.stderr.write(`DEMO LEDGER (${fileOf(DEMO_DATABASE_URL)}): answers and spend in it were simulated by demo mode's fake upstream\n`);
  return { store: await openLedgerStore({ databaseUrl, log: silentLogger }), demo, maxFrontierShare: usage.max_frontier_share };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30m", "12h", "7d", "2w" before `now`, or an ISO date/time ("2026-01-31", "2026-01-31T12:00Z"). */
export function parseTime(text: string, now: number, flag: string): number {
  const relative = /^(\d+)([mhdw])$/.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(`${flag}: expected a duration like 30m, 12h, 7d, 2w or a date like 2026-01-31, got "${text}"`);
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return n;
}

/** Runs a ledger command; mistakes print a one-line reason, never a stack. */
export async function runLedgerCommand(name: string, usage: string, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`tierd ${name}: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`tierd ${name}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`tierd ${name}: cannot read the ledger: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
