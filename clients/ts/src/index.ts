// @tierd/client: a typed client for tierd's RouterService, and the generated
// descriptors of every tierd proto (more under "@tierd/client/gen/...").
export {
  createTierdClient,
  createTierdTransport,
  validateTierdClientOptions,
  type TierdClient,
  type TierdClientOptions,
  type TierdProtocol,
} from "./client.js";
export { isRetryable, retryAfterMs, type RetryOptions } from "./retry.js";
export * from "./gen/tierd/v1/router_pb.js";
export { LimitExceededSchema, LimitKind, RetryInfoSchema, type LimitExceeded, type RetryInfo } from "./gen/tierd/v1/errors_pb.js";
export { Code, ConnectError } from "@connectrpc/connect";
