// Attribute and metric names, in one place. OpenTelemetry names are copied
// from the semantic conventions rather than imported from the incubating
// entry point, whose names change between minor versions:
//  - RPC: https://opentelemetry.io/docs/specs/semconv/rpc/rpc-spans/ (the
//    v1.38+ names: rpc.system.name, rpc.method, rpc.response.status_code)
//  - GenAI: https://opentelemetry.io/docs/specs/semconv/gen-ai/ (spans,
//    metrics; bucket boundaries from gen-ai-metrics.md)
// tierd's own attributes live under `tierd.`.

// RPC server spans.
export const ATTR_RPC_SYSTEM_NAME = "rpc.system.name";
export const ATTR_RPC_METHOD = "rpc.method";
export const ATTR_RPC_RESPONSE_STATUS_CODE = "rpc.response.status_code";
export const RPC_SYSTEM_GRPC = "grpc";
export const RPC_SYSTEM_CONNECT = "connectrpc";

// General.
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_SERVER_ADDRESS = "server.address";
export const ATTR_SERVER_PORT = "server.port";
export const ATTR_HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";

// GenAI client spans and metrics.
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
/** Opt-in content (the content-capture switch): JSON of the messages. */
export const ATTR_GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
export const ATTR_GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
export const GEN_AI_OPERATION_CHAT = "chat";

export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
export const METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
/** Bucket boundaries the GenAI metric conventions recommend. */
export const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS_S = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

// tierd: the routing decision and its bill.
export const ATTR_TIERD_REQUEST_ID = "tierd.request_id";
export const ATTR_TIERD_REQUEST_KIND = "tierd.request.kind";
export const ATTR_TIERD_ENDPOINT = "tierd.endpoint";
export const ATTR_TIERD_TIER = "tierd.tier";
export const ATTR_TIERD_DECIDED_BY = "tierd.decided_by";
export const ATTR_TIERD_SCORE = "tierd.score";
export const ATTR_TIERD_CONFIDENCE = "tierd.confidence";
export const ATTR_TIERD_MODE = "tierd.mode";
export const ATTR_TIERD_SHADOW_TIER = "tierd.shadow_tier";
export const ATTR_TIERD_SERVED_TIER = "tierd.served_tier";
export const ATTR_TIERD_DEPLOYMENT = "tierd.deployment";
export const ATTR_TIERD_COST_USD = "tierd.cost_usd";
export const ATTR_TIERD_CACHE_HIT = "tierd.cache_hit";
/** Attempts after the first: each is a retry or a fallback. */
export const ATTR_TIERD_FALLBACKS = "tierd.fallbacks";
export const ATTR_TIERD_STATUS = "tierd.status";
export const ATTR_TIERD_ATTEMPT_OUTCOME = "tierd.attempt.outcome";

export const METRIC_TIERD_REQUESTS = "tierd.requests";
export const METRIC_TIERD_COST = "tierd.cost";
/** Arrival to outcome, inside tierd (streams: to the summary). */
export const METRIC_TIERD_REQUEST_DURATION = "tierd.request.duration";
/** Every upstream attempt, by deployment and outcome (retries and skipped deployments too). */
export const METRIC_TIERD_UPSTREAM_ATTEMPTS = "tierd.upstream.attempts";
/** Requests answered by another deployment than the first one tried. */
export const METRIC_TIERD_FALLBACKS = "tierd.fallbacks";
/** 1 for the breaker state a deployment is in, 0 for the others. */
export const METRIC_TIERD_BREAKER = "tierd.deployment.breaker";
export const METRIC_TIERD_BUDGET_REMAINING = "tierd.budget.remaining";
export const METRIC_TIERD_BUDGET_LIMIT = "tierd.budget.limit";
/** closed | open | half_open */
export const ATTR_TIERD_BREAKER_STATE = "tierd.breaker.state";
export const ATTR_TIERD_CALLER = "tierd.caller";
export const ATTR_TIERD_BUDGET = "tierd.budget";
/** day | month */
export const ATTR_TIERD_BUDGET_WINDOW = "tierd.budget.window";
export const METRIC_TIERD_LEDGER_QUEUED = "tierd.ledger.queued";
export const METRIC_TIERD_LEDGER_DROPPED = "tierd.ledger.dropped";
export const METRIC_TIERD_CACHE_LOOKUPS = "tierd.cache.lookups";
export const METRIC_TIERD_CACHE_ERRORS = "tierd.cache.errors";
export const METRIC_TIERD_CACHE_BYTES = "tierd.cache.bytes";
/** hit | miss */
export const ATTR_TIERD_CACHE_RESULT = "tierd.cache.result";
