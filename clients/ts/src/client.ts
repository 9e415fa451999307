// createTierdClient: one call from options to a typed RouterService client.
// The transport choice, the default deadline, the API key and the retry
// policy are decided here, once; every other RPC (a future AdminService, the
// health service) can share the same transport via createTierdTransport.
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { RouterService } from "./gen/tierd/v1/router_pb.js";
import { apiKeyInterceptor } from "./api-key.js";
import { retryInterceptor, type RetryOptions } from "./retry.js";

export type TierdProtocol = "grpc" | "connect" | "grpc-web";

export interface TierdClientOptions {
  /** Where tierd listens, for example `http://127.0.0.1:50051`. */
  baseUrl: string;
  /**
   * Wire protocol. `grpc` is what other gRPC stacks speak; `connect` is the
   * same RPCs as plain HTTP (JSON with `useJson`), easy to proxy and to curl;
   * `grpc-web` is for proxies and browsers. tierd serves all three on one port.
   */
  protocol: TierdProtocol;
  /**
   * HTTP version for `connect` and `grpc-web`. gRPC always uses HTTP/2.
   * Default `"2"` (tierd speaks cleartext HTTP/2); choose `"1.1"` when a
   * proxy in between only forwards HTTP/1.1.
   */
  httpVersion?: "1.1" | "2";
  /** Sent as `authorization: Bearer <apiKey>` on every call. Never logged. */
  apiKey?: string;
  /**
   * Deadline of every call, in milliseconds, retries included; a call's own
   * `{ timeoutMs }` option wins. The server stops working on the call (and
   * aborts its upstream requests) when it passes. Default 120000: long enough
   * for a frontier answer after a fallback, short enough to free a stuck
   * caller. 0 means no deadline.
   */
  timeoutMs?: number;
  /**
   * Automatic retries of idempotent unary calls (Classify). Route and
   * StreamCompletion are never retried automatically. `false` turns retries
   * off. See RetryOptions for the defaults.
   */
  retry?: RetryOptions | false;
  /**
   * Your interceptors (logging, tracing, extra headers), outermost first.
   * They run once per call; retries happen inside them.
   */
  interceptors?: Interceptor[];
  /** Send JSON instead of binary Protobuf (connect and grpc-web only). */
  useJson?: boolean;
}

/** The typed client: every RouterService RPC; streams are async iterables. */
export type TierdClient = Client<typeof RouterService>;

const DEFAULT_TIMEOUT_MS = 120_000;
const PROTOCOLS: readonly TierdProtocol[] = ["grpc", "connect", "grpc-web"];

/** A typed RouterService client over the chosen protocol. */
export function createTierdClient(options: TierdClientOptions): TierdClient {
  return createClient(RouterService, createTierdTransport(options));
}

/**
 * The transport behind createTierdClient, for any service tierd serves:
 * `createClient(SomeService, createTierdTransport(options))`.
 */
export function createTierdTransport(options: TierdClientOptions): Transport {
  const o = validateTierdClientOptions(options);
  const interceptors: Interceptor[] = [...o.interceptors];
  if (o.retry !== false) interceptors.push(retryInterceptor(o.retry));
  if (o.apiKey !== undefined) interceptors.push(apiKeyInterceptor(o.apiKey));
  const common = {
    baseUrl: o.baseUrl,
    interceptors,
    // Connect's transports read 0 as "no deadline" only per call; leaving the
    // default unset is how a transport says it.
    ...(o.timeoutMs > 0 ? { defaultTimeoutMs: o.timeoutMs } : {}),
  };
  switch (o.protocol) {
    case "grpc":
      return createGrpcTransport(common);
    case "connect":
      return createConnectTransport({ ...common, httpVersion: o.httpVersion, useBinaryFormat: !o.useJson });
    case "grpc-web":
      return createGrpcWebTransport({ ...common, httpVersion: o.httpVersion, useBinaryFormat: !o.useJson });
  }
}

interface ValidTierdClientOptions {
  baseUrl: string;
  protocol: TierdProtocol;
  httpVersion: "1.1" | "2";
  apiKey: string | undefined;
  timeoutMs: number;
  retry: RetryOptions | false;
  interceptors: Interceptor[];
  useJson: boolean;
}

/** Checks the options and fills every default, in one place. */
export function validateTierdClientOptions(options: TierdClientOptions): ValidTierdClientOptions {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`@tierd/client: baseUrl must be an absolute URL such as http://127.0.0.1:50051, got "${options.baseUrl}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`@tierd/client: baseUrl must start with http:// or https://, got "${options.baseUrl}"`);
  }
  if (!PROTOCOLS.includes(options.protocol)) {
    throw new TypeError(`@tierd/client: protocol must be one of ${PROTOCOLS.join(", ")}, got "${String(options.protocol)}"`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`@tierd/client: timeoutMs must be a non-negative number of milliseconds, got ${String(options.timeoutMs)}`);
  }
  if (options.useJson && options.protocol === "grpc") {
    throw new TypeError("@tierd/client: useJson needs the connect or grpc-web protocol; gRPC speaks binary Protobuf");
  }
  if (options.apiKey !== undefined && (options.apiKey === "" || /[\r\n]/.test(options.apiKey))) {
    // The key itself stays out of the message.
    throw new TypeError("@tierd/client: apiKey must be a non-empty single-line string");
  }
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    protocol: options.protocol,
    httpVersion: options.httpVersion ?? "2",
    apiKey: options.apiKey,
    timeoutMs,
    retry: options.retry ?? {},
    interceptors: options.interceptors ?? [],
    useJson: options.useJson ?? false,
  };
}
