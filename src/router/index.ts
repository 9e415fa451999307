export { createRouter, newRequestId, type Router, type RouterOptions } from "./router.js";
export {
  combineObservers,
  requestFailureOf,
  type RequestFailure,
  type RequestKind,
  type RequestObservation,
  type RequestOutcome,
  type RequestStart,
  type RouteObserver,
} from "./observer.js";
export type { GateTicket, RequestGate } from "./gate.js";
export { accessFields, createAccessLog, ACCESS_LOG_MESSAGE } from "./access-log.js";
export {
  createIdempotency,
  createMemoryIdempotencyStore,
  idempotencyKey,
  requestFingerprint,
  type ClaimResult,
  type Idempotency,
  type IdempotencyHold,
  type IdempotencyOptions,
  type IdempotencyStore,
  type StoredAnswer,
} from "./idempotency.js";
export { createRedisIdempotencyStore, type RedisIdempotencyOptions, type RedisIdempotencyStore } from "./idempotency-redis.js";
