// Which settings a reload can apply to a running tierd and which wait for
// a restart. What decides, calls and limits a request (deployments, tiers,
// prices, rules, classifier, keys, budgets, rate limits, input limits) is
// rebuilt from the new file and serves the next request. What holds a
// socket, a file or a connection open (the listener, the ledger, the
// counters' and caches' stores, telemetry, the logger) keeps running as it
// started; a change there is named so the operator knows to restart.
import type { Config } from "./schema.js";

/** Top-level sections whose every field waits for a restart. */
const RESTART_ONLY_SECTIONS = ["server", "log", "usage", "cache", "counters", "idempotency", "telemetry"] as const satisfies readonly (keyof Config)[];

/** Fields of reloadable sections that still need a restart. */
const RESTART_ONLY_FIELDS: readonly [keyof Config, string][] = [["auth", "enabled"]];

/**
 * The restart-only fields that differ between the running config and a new
 * one, as dotted paths ("server.port", "usage.database_url"), sorted. Empty
 * when the new file changes only what a reload applies.
 */
export function restartOnlyChanges(running: Config, next: Config): string[] {
  const changed: string[] = [];
  for (const section of RESTART_ONLY_SECTIONS) {
    const a = running[section] as unknown as Record<string, unknown>;
    const b = next[section] as unknown as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
      if (!same(a?.[key], b?.[key])) changed.push(`${section}.${key}`);
    }
  }
  for (const [section, key] of RESTART_ONLY_FIELDS) {
    const a = running[section] as unknown as Record<string, unknown>;
    const b = next[section] as unknown as Record<string, unknown>;
    if (!same(a?.[key], b?.[key])) changed.push(`${section}.${key}`);
  }
  return changed.sort();
}

/** What a running tierd keeps from the old config when it applies a new one: the restart-only settings. */
export function withRestartOnlyOf(running: Config, next: Config): Config {
  const kept: Config = { ...next };
  for (const section of RESTART_ONLY_SECTIONS) (kept as Record<string, unknown>)[section] = running[section];
  kept.auth = { ...next.auth, enabled: running.auth.enabled };
  return kept;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
