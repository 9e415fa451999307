// The one schema of tierd's YAML configuration. Every default lives here;
// the loader (load.ts) only reads, interpolates and reports errors.
// Keys are snake_case as in the file, so what a user reads in YAML is what
// the code reads too.
import { z } from "zod";
import { TIER_NAMES, type TierName } from "../core/tiers.js";

const positiveInt = z.number().int().positive();

/** The ledger when a config names none. */
export const DEFAULT_DATABASE_URL = "sqlite:.tierd/ledger.db";
/**
 * The ledger of demo mode (embedded config, no TIERD_BASE_URL): simulated
 * answers bill simulated spend, kept apart from a real ledger so a report of
 * real spend never counts it.
 */
export const DEMO_DATABASE_URL = "sqlite:.tierd/demo-ledger.db";
const nonNegativeInt = z.number().int().nonnegative();

export const tierNameSchema = z.enum(TIER_NAMES);
export type { TierName };

export const capabilitySchema = z.enum(["json", "json_schema", "tools", "vision"]);

export const deploymentSchema = z.strictObject({
  /** Model string sent upstream, e.g. "openai/gpt-4o-mini" for a gateway. */
  model: z.string().min(1),
  /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1. */
  base_url: z.url({ protocol: /^https?$/ }),
  /** API key; write `${ENV_VAR}` so the key stays out of the file. */
  api_key: z.string().default(""),
  /**
   * One attempt: the whole answer of a unary call; for a stream, the longest
   * silence between chunks, so a long answer that keeps flowing is not cut.
   */
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
  /**
   * Name of the output-token limit in the request body. Unset: derived from
   * the model string (provider/chat-request.ts): `max_completion_tokens` for
   * OpenAI's o-series reasoning models, which reject `max_tokens`, and
   * `max_tokens` for everything else.
   */
  max_tokens_param: z.enum(["max_tokens", "max_completion_tokens"]).optional(),
});
export type DeploymentConfig = z.infer<typeof deploymentSchema>;

export const tierSchema = z.strictObject({
  /** Deployment names, in order of preference. */
  deployments: z.array(z.string().min(1)).min(1),
  /** How to pick among healthy deployments of the tier. */
  strategy: z.enum(["ordered", "weighted", "least-latency"]).default("ordered"),
});
export type TierConfig = z.infer<typeof tierSchema>;

/** USD per 1M tokens; the source of each default is in pricing/prices.ts. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});
export type PriceConfig = z.infer<typeof priceSchema>;

/**
 * Retries of the same deployment before the walk moves on to the next one.
 * Backoff is exponential with full jitter; an upstream Retry-After wins over
 * it when it is short enough to be worth waiting for.
 */
export const retrySchema = z.strictObject({
  /** Retries after the first attempt, per deployment and request. */
  max_retries: nonNegativeInt.default(2),
  /** Backoff ceiling of the first retry; it doubles per retry. */
  base_delay_ms: nonNegativeInt.default(200),
  /** Upper bound of any backoff ceiling. */
  max_delay_ms: nonNegativeInt.default(2_000),
  /**
   * Longest Retry-After worth waiting for. A longer one (or one longer than
   * the caller's deadline leaves) moves on to the next deployment at once and
   * keeps this deployment in cooldown meanwhile.
   */
  max_retry_after_ms: nonNegativeInt.default(5_000),
});
export type RetryConfig = z.infer<typeof retrySchema>;

/**
 * Circuit breaking per deployment, shared by every tier that lists it.
 * Failures that count: rate limits, 5xx, connection errors, timeouts,
 * truncated streams and malformed answers. A refused credential (401/403)
 * trips the breaker at once. The caller's own faults (bad request, context
 * length, cancel, deadline) never count.
 */
export const cooldownSchema = z.strictObject({
  /** Failures, with no success between them, that trip the breaker. */
  failure_threshold: positiveInt.default(3),
  /** Failures older than this are forgotten. */
  window_ms: positiveInt.default(30_000),
  /** How long a tripped deployment is skipped before one probe request tests it. */
  cooldown_ms: positiveInt.default(15_000),
});
export type CooldownConfig = z.infer<typeof cooldownSchema>;

export const serverSchema = z.strictObject({
  /** Loopback by default: exposing tierd is a deliberate choice. */
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(50051),
  /** On SIGTERM, in-flight calls get this long to finish. */
  shutdown_grace_ms: nonNegativeInt.default(10_000),
  /**
   * On SIGTERM, readiness (/readyz, grpc.health.v1) fails at once, but new
   * calls are still taken for this long before the port closes and the
   * drain begins: load balancers that poll readiness (Kubernetes endpoints,
   * kube-proxy) take a few seconds to stop sending, and a closed port in
   * that time refuses their calls. 0: close the port at once (a laptop's Ctrl-C).
   */
  shutdown_delay_ms: nonNegativeInt.default(0),
  /** Largest request message accepted, in bytes. */
  max_request_bytes: positiveInt.default(4 * 1024 * 1024),
  /** Largest deadline a caller may ask for. */
  max_timeout_ms: positiveInt.default(10 * 60_000),
  /**
   * A connection with no call in flight that sends nothing for this long is
   * closed (before its first byte, between calls, an HTTP/2 preface alone).
   */
  idle_timeout_ms: positiveInt.default(60_000),
  /**
   * A request's headers and body must have arrived this long after it
   * started, or the stream (HTTP/1.1: the connection) is reset. tierd's RPCs
   * send their whole request at once, so only a stalled or hostile client
   * waits this long; the wait for the answer is the deadline's business.
   */
  read_timeout_ms: positiveInt.default(30_000),
  /** HTTP/2 streams (calls) one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused by the client's HTTP/2 stack. */
  max_streams_per_connection: positiveInt.default(1_000),
  /**
   * With more streamed answers open than this, the text an upstream sent in
   * one network read goes to the caller as one delta instead of one per
   * token. A tierd that keeps up reads one token at a time, so this changes
   * nothing until it falls behind; then it spends its CPU per read, not per
   * token, and catches up. The caller gets the same text in fewer messages.
   * 0: always; a number above any load: never.
   */
  coalesce_deltas_above_streams: nonNegativeInt.default(256),
  /**
   * Connections one client address may hold open at once; a connection
   * beyond it is closed as it arrives (and logged, at most every 10 s), so
   * one misbehaving client cannot take every file descriptor.
   */
  max_connections_per_client: positiveInt.default(512),
  /**
   * TLS on the listening port (ALPN h2 and http/1.1). PEM files, read at
   * start and again on SIGHUP. Unset: cleartext, fine on loopback only.
   */
  tls: z
    .strictObject({
      cert_file: z.string().min(1),
      key_file: z.string().min(1),
      /** Callers must present a certificate signed by this CA (mutual TLS). */
      client_ca_file: z.string().min(1).optional(),
    })
    .optional(),
});

export const logSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** json: one object per line (for log shippers); logfmt: key=value pairs. */
  format: z.enum(["json", "logfmt"]).default("json"),
  /** One info line per request (router/access-log.ts): who, which tier, what it cost; never the prompt or a key. */
  access: z.boolean().default(true),
});

/**
 * Metrics for Prometheus on the server port (GET /metrics), with or without
 * an OTLP endpoint. On by default: it costs about 8 MB of resident memory
 * (measured as in telemetry/setup.ts), and a metrics endpoint an operator
 * must first switch on is one nobody has when the first incident comes.
 */
export const prometheusSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * With auth on, /metrics asks for `Authorization: Bearer <key>` of an
   * admin key: it shows caller ids and what their budgets have left, which
   * AdminService's reports also keep to admins. false: anyone who reaches
   * the port may scrape it.
   */
  require_admin_key: z.boolean().default(true),
});

export const telemetrySchema = z.strictObject({
  prometheus: prometheusSchema.default(prometheusSchema.parse({})),
});

/** When a policy rule applies; every condition given must hold. */
export const ruleMatchSchema = z
  .strictObject({
    /** Endpoint(s) the rule applies to; a trailing `*` matches a prefix. */
    endpoint: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Caller plan(s) the rule applies to. */
    plan: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Estimated input tokens strictly above this. */
    input_tokens_above: nonNegativeInt.optional(),
    /** The request offers tools, or its conversation has tool calls or results (true), or none of that (false). */
    has_tools: z.boolean().optional(),
    /** The request has an image (true), or none (false). */
    has_images: z.boolean().optional(),
  })
  .refine((m) => m.endpoint !== undefined || m.plan !== undefined || m.input_tokens_above !== undefined || m.has_tools !== undefined || m.has_images !== undefined, {
    message: "a rule needs at least one condition (endpoint, plan, input_tokens_above, has_tools or has_images)",
  });

/**
 * A policy rule: `tier` fixes the tier (no classifier runs); `min_tier` and
 * `max_tier` are a floor and a ceiling the classifier's answer is clamped to.
 */
export const ruleSchema = z
  .strictObject({
    /** Named in the decision's reason and trace. */
    name: z.string().min(1),
    when: ruleMatchSchema,
    tier: tierNameSchema.optional(),
    min_tier: tierNameSchema.optional(),
    max_tier: tierNameSchema.optional(),
  })
  .refine((r) => (r.tier !== undefined) !== (r.min_tier !== undefined || r.max_tier !== undefined), {
    message: "a rule sets either tier, or min_tier and/or max_tier",
  });
export type RuleConfig = z.infer<typeof ruleSchema>;

export const policySchema = z.strictObject({
  /** Evaluated in order before any classifier; see docs/routing.md, "The cascade". */
  rules: z.array(ruleSchema).default([]),
  /**
   * The size rule, evaluated after `rules`: inputs above this many estimated
   * tokens go at least to `large_input_min_tier`. 0 turns it off.
   */
  large_input_tokens: nonNegativeInt.default(4000),
  large_input_min_tier: tierNameSchema.default("mid"),
  /**
   * Caller plans whose tier_override is honoured; "*" is every plan
   * (including callers with no plan). A refused override is ignored and
   * recorded in the trace.
   */
  override_plans: z.array(z.string().min(1)).default(["*"]),
});
export type PolicyConfig = z.infer<typeof policySchema>;

export const llmClassifierSchema = z.strictObject({
  /** Off by default, so no request pays a classifier call unless asked. */
  enabled: z.boolean().default(false),
  /**
   * Ask the LLM only when the local classifier's confidence is below this;
   * it then chooses between the local tier and the neighbour the local doubt
   * leans to (a tie-breaker: one step at most).
   */
  confidence_below: z.number().min(0).max(1).default(0.6),
  /** The LLM classifier's own budget; on timeout the local result stands. */
  timeout_ms: positiveInt.default(400),
  /** zero-shot: tier definitions only; few-shot: plus the examples file. */
  style: z.enum(["zero-shot", "few-shot"]).default("few-shot"),
  /** JSONL of {"prompt", "tier"}; "builtin" is the shipped default set. */
  examples: z.string().min(1).default("builtin"),
  /** Cap on the classifier's answer tokens (it answers one small JSON object). */
  max_output_tokens: positiveInt.default(40),
  /** Prompt characters shown to the LLM (head and tail beyond that). */
  max_prompt_chars: positiveInt.default(4000),
  /** Entries of the in-memory result cache (keyed by prompt hash); 0 turns it off. */
  cache_entries: nonNegativeInt.default(10_000),
});

export const classifierSchema = z.strictObject({
  /** Model file from `npm run train`, or "builtin" for the shipped model. */
  model: z.string().min(1).default("builtin"),
  /** Complexity score below this: nano. */
  nano_below: z.number().min(0).max(1).default(0.3),
  /**
   * Complexity score above this: frontier. In between: mid. 0.65 rather than
   * 0.7 (chosen in cross-validation, scripts/tune.ts): tier accuracy within
   * 0.3 points, and 2 points fewer prompts sent too low, the costly error.
   */
  frontier_above: z.number().min(0).max(1).default(0.65),
  /**
   * "When unsure, round up": a nano or mid choice whose confidence (the
   * calibrated probability of that tier) is below this, with its doubt
   * leaning upward, rounds up one tier (nano -> mid, mid -> frontier), never
   * down. With the LLM classifier on, such a choice is asked to it first
   * (when below llm.confidence_below), and it breaks the tie between the two
   * tiers instead. The model's confidence falls as the score nears a
   * threshold, so this also places a boundary; a config where it would
   * override nano_below or frontier_above is refused naming both fields.
   * 0.4 leaves the default thresholds in charge with the shipped model
   * (checked at start-up and by test/classifier/shipped-model.test.ts).
   */
  ambiguous_below: z.number().min(0).max(1).default(0.4),
  llm: llmClassifierSchema.default(llmClassifierSchema.parse({})),
});
export type ClassifierConfig = z.infer<typeof classifierSchema>;
/**
 * The usage ledger: one record per request, written off the request path.
 * Defaults are sized for one replica on a laptop; see docs/ledger.md.
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
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "expected sqlite:PATH, sqlite::memory: or postgres://...")
    .default(DEFAULT_DATABASE_URL),
  /** Store the last user message as text; off: only its SHA-256 is stored. */
  store_prompts: z.boolean().default(false),
  /** Records per write. */
  batch_size: z.number().int().min(1).max(1_000).default(200),
  /** Longest a record waits in memory before it is written. */
  flush_interval_ms: positiveInt.default(1_000),
  /** Records held in memory at most (while the database is slow or down). */
  queue_limit: positiveInt.default(50_000),
  /**
   * Where records the database did not take before shutdown are written
   * (a file per database), to be written to it at the next start. Empty:
   * they are dropped (counted and logged). Not used with sqlite::memory:.
   */
  spool_dir: z.string().default(".tierd"),
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

/** One tier's response cache: whether its answers are cached, and for how long. */
export const tierCacheSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How long an answer of this tier is served from the cache. */
  ttl_ms: positiveInt.default(3_600_000),
});

/**
 * The response cache and the shared home of LLM-classifier verdicts; see
 * docs/caching.md. In memory by default; in Redis, shared by every
 * replica, when `redis_url` is set.
 */
export const cacheSchema = z.strictObject({
  /** Off: no response is cached (the classifier's verdict cache is separate). */
  enabled: z.boolean().default(true),
  /** Per tier: a request is looked up when its decided tier is enabled; an answer is stored when its answering tier is. */
  tiers: z
    .strictObject({
      nano: tierCacheSchema.default(tierCacheSchema.parse({})),
      mid: tierCacheSchema.default(tierCacheSchema.parse({})),
      frontier: tierCacheSchema.default(tierCacheSchema.parse({})),
    })
    .default({ nano: tierCacheSchema.parse({}), mid: tierCacheSchema.parse({}), frontier: tierCacheSchema.parse({}) }),
  /**
   * Cache answers of sampled requests too: temperature above 0, or unset
   * (the model's default: 1 per the OpenAI and Anthropic API references). Off:
   * only `temperature: 0` requests are cached, so callers who sample keep
   * getting fresh samples.
   */
  sampled: z.boolean().default(false),
  /**
   * Who shares an entry. `shared`: every caller asking the same question
   * (the most savings). `caller`: each caller id has entries of its own
   * (the authenticated caller with auth on), for callers that must not learn
   * what others asked or were answered.
   */
  scope: z.enum(["shared", "caller"]).default("shared"),
  /** The in-memory backend's bound: keys, answers and bookkeeping, in bytes. */
  max_bytes: positiveInt.default(64 * 1024 * 1024),
  /** Answers larger than this (UTF-8 bytes of the stored entry) are not cached. */
  max_entry_bytes: positiveInt.default(1024 * 1024),
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; unset: in memory. */
  redis_url: z
    .string()
    .regex(/^rediss?:\/\/.+/, "expected redis://host:port or rediss://host:port")
    .optional(),
  /** Prepended to every Redis key, so tierd shares a Redis with others safely. */
  key_prefix: z.string().default("tierd:"),
  /** Longest wait for one Redis command; past it the lookup is a miss. */
  redis_timeout_ms: positiveInt.default(100),
  /** How long an LLM-classifier verdict stays in Redis. */
  decision_ttl_ms: positiveInt.default(7 * 24 * 3_600_000),
});
export type CacheConfig = z.infer<typeof cacheSchema>;
/** SHA-256 of an API key as 64 hex digits (`tierd hash-key` prints it). */
const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex digits: the SHA-256 of the key (tierd hash-key)")
  .transform((hex) => hex.toLowerCase());

/** One API key: who holds it and what it may do. The key itself is never in the file. */
export const apiKeySchema = z.strictObject({
  sha256: sha256HexSchema,
  /** Caller id: replaces the request's caller.id, so the ledger records who really called. */
  caller: z.string().min(1).max(128),
  /** A label for logs and errors (e.g. "search-2026-05" during a rotation); never the key. */
  name: z.string().min(1).max(128).optional(),
  /** The caller's plan: replaces the request's caller.plan; plan rules match on it. */
  plan: z.string().max(128).default(""),
  /** Endpoints the key may call; a trailing `*` matches a prefix. */
  endpoints: z.array(z.string().min(1)).min(1).default(["*"]),
  /** Highest tier: a tier_override above it is refused, a decision above it is capped. */
  max_tier: tierNameSchema.default("frontier"),
  /** May call AdminService (usage reports, feedback, label export). */
  admin: z.boolean().default(false),
  /** Budgets (names under `budgets:`) this key's requests count against. */
  budgets: z.array(z.string().min(1)).default([]),
  /** Over budget: downgrade to a cheaper tier that fits, or refuse with RESOURCE_EXHAUSTED. */
  on_budget_exceeded: z.enum(["downgrade", "refuse"]).default("refuse"),
  /** A rate limit (a name under `rate_limits:`); none when unset. */
  rate_limit: z.string().min(1).optional(),
});
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

export const authSchema = z.strictObject({
  /** On unless switched off here; off is allowed on a loopback address only. */
  enabled: z.boolean().default(true),
  keys: z.array(apiKeySchema).default([]),
  /** SHA-256 digests of keys that must no longer work (wins over `keys`). */
  revoked: z.array(sha256HexSchema).default([]),
});
export type AuthConfig = z.infer<typeof authSchema>;

/** A spending cap in USD per UTC day and/or calendar month. */
export const budgetSchema = z
  .strictObject({
    usd_per_day: z.number().positive().optional(),
    usd_per_month: z.number().positive().optional(),
    /** Only requests to these endpoints count (trailing `*`: prefix); all when unset. */
    endpoints: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((b) => b.usd_per_day !== undefined || b.usd_per_month !== undefined, { message: "a budget needs usd_per_day and/or usd_per_month" });
export type BudgetConfig = z.infer<typeof budgetSchema>;

/** Token buckets per caller; each holds one minute's worth (the largest burst). */
export const rateLimitSchema = z
  .strictObject({
    requests_per_minute: positiveInt.optional(),
    /** Input plus output tokens. */
    tokens_per_minute: positiveInt.optional(),
  })
  .refine((r) => r.requests_per_minute !== undefined || r.tokens_per_minute !== undefined, {
    message: "a rate limit needs requests_per_minute and/or tokens_per_minute",
  });
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

/** Where budget and rate-limit counters live: this process, or Redis for many replicas. */
export const countersSchema = z.strictObject({
  store: z.enum(["memory", "redis"]).default("memory"),
  redis_url: z.string().regex(/^rediss?:\/\/.+/, "expected redis://host:port or rediss://host:port").default("redis://127.0.0.1:6379"),
  /** Prepended to every key, so replicas of one deployment share counters and others do not. */
  key_prefix: z.string().default("tierd:"),
});
export type CountersConfig = z.infer<typeof countersSchema>;

/**
 * Caller-chosen request ids as idempotency keys (see RouteRequest.request_id
 * in the proto): the answer of a request that succeeded is kept for
 * `window_ms`, so a retry gets it back instead of a second model call and a
 * second bill. In this process by default; in Redis, shared by replicas.
 */
export const idempotencySchema = z.strictObject({
  enabled: z.boolean().default(true),
  store: z.enum(["memory", "redis"]).default("memory"),
  redis_url: z.string().regex(/^rediss?:\/\/.+/, "expected redis://host:port or rediss://host:port").default("redis://127.0.0.1:6379"),
  key_prefix: z.string().default("tierd:"),
  /** How long a succeeded request's answer is kept for its retries. */
  window_ms: positiveInt.default(24 * 3_600_000),
  /**
   * How long a running request holds its id: a retry that arrives meanwhile
   * waits for it, at most this long (and within its own deadline). A
   * replica that dies mid-request frees its ids after this.
   */
  in_flight_ms: positiveInt.default(600_000),
  /** The memory store's bound on stored answers, in bytes (least recently used go first). */
  max_bytes: positiveInt.default(32 * 1024 * 1024),
  /** Longest wait for one Redis command; past it the request runs without the check (a duplicate is possible, an outage is not). */
  redis_timeout_ms: positiveInt.default(200),
});
export type IdempotencyConfig = z.infer<typeof idempotencySchema>;

/**
 * Input limits, checked before anything else: a request beyond them is
 * INVALID_ARGUMENT naming the field, and never reaches an upstream.
 */
export const limitsSchema = z.strictObject({
  max_messages: positiveInt.default(256),
  /** Characters of one message's content. */
  max_message_chars: positiveInt.default(400_000),
  /** Characters of all messages together (~250k tokens of English). */
  max_input_chars: positiveInt.default(1_000_000),
  /** The largest params.max_output_tokens a request may ask for. */
  max_output_tokens: positiveInt.default(32_768),
  /** Sent upstream when a request sets no max_output_tokens; budgets reserve it. */
  default_output_tokens: positiveInt.default(4_096),
  /** Entries of caller.metadata (recorded in the ledger). */
  max_metadata_entries: nonNegativeInt.default(32),
});
export type LimitsConfig = z.infer<typeof limitsSchema>;

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
  /** Retries of one deployment before moving on (provider/retry-policy.ts). */
  retry: retrySchema.default(retrySchema.parse({})),
  /** When a failing deployment is skipped (provider/cooldown.ts). */
  cooldown: cooldownSchema.default(cooldownSchema.parse({})),
  /** Per-model price overrides and additions, keyed by model string. */
  pricing: z.record(z.string().min(1), priceSchema).default({}),
  /** Rules evaluated before any classifier. */
  policy: policySchema.default(policySchema.parse({})),
  /** The local and LLM classifiers and the thresholds that map scores to tiers. */
  classifier: classifierSchema.default(classifierSchema.parse({})),
  usage: usageSchema.default(usageSchema.parse({})),
  /** The response cache and where classifier verdicts are shared (cache/). */
  cache: cacheSchema.default(cacheSchema.parse({})),
  /** Caller authentication by API key (see docs/callers.md). */
  auth: authSchema.default(authSchema.parse({})),
  /** Named spending caps that keys refer to. */
  budgets: z.record(z.string().min(1), budgetSchema).default({}),
  /** Named rate limits that keys refer to. */
  rate_limits: z.record(z.string().min(1), rateLimitSchema).default({}),
  counters: countersSchema.default(countersSchema.parse({})),
  idempotency: idempotencySchema.default(idempotencySchema.parse({})),
  limits: limitsSchema.default(limitsSchema.parse({})),
  /** Prometheus metrics; traces and OTLP metrics come from OTEL_* variables (docs/observability.md). */
  telemetry: telemetrySchema.default(telemetrySchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
