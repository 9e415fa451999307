// The one schema of tierd's YAML configuration. Every default lives here;
// the loader (load.ts) only reads, interpolates and reports errors.
// Keys are snake_case as in the file, so what a user reads in YAML is what
// the code reads too.
import { z } from "zod";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

export const tierNameSchema = z.enum(["nano", "mid", "frontier"]);
export type TierName = z.infer<typeof tierNameSchema>;

export const capabilitySchema = z.enum(["json", "tools", "vision"]);

export const deploymentSchema = z.strictObject({
  /** Model string sent upstream, e.g. "openai/gpt-4o-mini" for a gateway. */
  model: z.string().min(1),
  /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1. */
  base_url: z.url({ protocol: /^https?$/ }),
  /** API key; write `${ENV_VAR}` so the key stays out of the file. */
  api_key: z.string().default(""),
  /** Whole-request timeout of one attempt. */
  timeout_ms: positiveInt.default(60_000),
  /** Streaming: longest wait for the first content token of one attempt. */
  ttft_timeout_ms: positiveInt.default(15_000),
  /** Input plus output tokens the model accepts. */
  context_window: positiveInt.default(128_000),
  capabilities: z.array(capabilitySchema).default(["json"]),
  /** Relative share of traffic under the `weighted` strategy. */
  weight: z.number().positive().default(1),
  /** Extra HTTP headers sent upstream (e.g. OpenRouter's HTTP-Referer). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type DeploymentConfig = z.infer<typeof deploymentSchema>;

export const tierSchema = z.strictObject({
  /** Deployment names, in order of preference. */
  deployments: z.array(z.string().min(1)).min(1),
  /** How to pick among healthy deployments of the tier. */
  strategy: z.enum(["ordered", "weighted", "least-latency"]).default("ordered"),
});
export type TierConfig = z.infer<typeof tierSchema>;

/** USD per 1M tokens; the source of each default is in provider/pricing.ts. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});
export type PriceConfig = z.infer<typeof priceSchema>;

export const serverSchema = z.strictObject({
  /** Loopback by default: exposing tierd is a deliberate choice. */
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(50051),
  /** On SIGTERM, in-flight calls get this long to finish. */
  shutdown_grace_ms: nonNegativeInt.default(10_000),
  /** Largest request message accepted, in bytes. */
  max_request_bytes: positiveInt.default(4 * 1024 * 1024),
  /** Largest deadline a caller may ask for. */
  max_timeout_ms: positiveInt.default(10 * 60_000),
});

export const logSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

/**
 * The usage ledger: one record per request, written off the request path.
 * Defaults are sized for one replica on a laptop; see README "Usage ledger".
 */
export const usageSchema = z.strictObject({
  /** Off: no records, no reports (Classify/Route work as before). */
  enabled: z.boolean().default(true),
  /**
   * `sqlite:PATH` (relative to the working directory), `sqlite::memory:`, or
   * `postgres://user@host:5432/db` (add `?schema=NAME` for a schema other
   * than public). Many replicas share one ledger through PostgreSQL.
   */
  database_url: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "sqlite:PATH, sqlite::memory: or postgres://...")
    .default("sqlite:.tierd/ledger.db"),
  /** Store the last user message as text; off: only its SHA-256 is stored. */
  store_prompts: z.boolean().default(false),
  /** Records per write. */
  batch_size: z.number().int().min(1).max(1_000).default(200),
  /** Longest a record waits in memory before it is written. */
  flush_interval_ms: positiveInt.default(1_000),
  /** Records held in memory at most (while the database is slow or down). */
  queue_limit: positiveInt.default(50_000),
  /**
   * What a full queue does to a new record. drop: the request is served and
   * the record is counted, logged and reported as dropped. wait: the request
   * waits for room (the ledger becomes a hard dependency of serving).
   */
  on_queue_full: z.enum(["drop", "wait"]).default("drop"),
  /** Reports warn when the frontier tier serves a larger share of requests. */
  max_frontier_share: z.number().min(0).max(1).default(0.3),
});
export type UsageConfig = z.infer<typeof usageSchema>;

export const configSchema = z.strictObject({
  server: serverSchema.default(serverSchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
  /**
   * enforce: act on decisions. shadow: send everything to shadow_tier and
   * record the decision. rules-only: rules decide, no classifier runs.
   */
  mode: z.enum(["enforce", "shadow", "rules-only"]).default("enforce"),
  /** The tier every request goes to in shadow mode. */
  shadow_tier: tierNameSchema.default("mid"),
  /**
   * Where anything unexpected lands. Never nano: a wrong cheap answer costs
   * more than a right mid one.
   */
  default_tier: z.enum(["mid", "frontier"]).default("mid"),
  deployments: z.record(z.string().min(1), deploymentSchema),
  tiers: z.strictObject({
    nano: tierSchema,
    mid: tierSchema,
    frontier: tierSchema,
  }),
  /**
   * Where a tier's requests go when all its deployments failed. LiteLLM's
   * router form, so a LiteLLM config carries over: [{nano: [mid]}, ...].
   */
  fallbacks: z
    .array(z.partialRecord(tierNameSchema, z.array(tierNameSchema)))
    .default([{ nano: ["mid"] }, { mid: ["frontier"] }]),
  /** Per-model price overrides and additions, keyed by model string. */
  pricing: z.record(z.string().min(1), priceSchema).default({}),
  usage: usageSchema.default(usageSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
