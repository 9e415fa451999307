// API keys for tests: raw keys, their config entries, and clients that send
// them the way @tierd/client does (authorization: Bearer <key>).
import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { stringify } from "yaml";
import { hashApiKey } from "../../src/callers/index.js";
import { baseConfigYaml } from "../helpers/tierd.js";

export function bearer(key: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${key}`);
    return next(req);
  };
}

export function clientsFor<S extends DescService>(service: S, url: string, key?: string): { grpc: Client<S>; connect: Client<S> } {
  const interceptors = key === undefined ? [] : [bearer(key)];
  return {
    grpc: createClient(service, createGrpcTransport({ baseUrl: url, interceptors })),
    connect: createClient(service, createConnectTransport({ baseUrl: url, httpVersion: "2", interceptors })),
  };
}

export interface TestKey {
  key: string;
  entry: Record<string, unknown>;
}

/** A key for `caller` with the given config fields (sha256 filled in). */
export function testKey(key: string, caller: string, fields: Record<string, unknown> = {}): TestKey {
  return { key, entry: { sha256: hashApiKey(key), caller, ...fields } };
}

/**
 * The test base config with authentication on, and `sections` (budgets,
 * rate_limits, counters, limits...) added as top-level YAML.
 */
export function authConfigYaml(fakeUrl: string, keys: TestKey[], sections: Record<string, unknown> = {}, revoked: string[] = []): string {
  const auth = stringify({ auth: { enabled: true, keys: keys.map((k) => k.entry), revoked: revoked.map(hashApiKey) }, ...sections });
  return baseConfigYaml(fakeUrl).replace("auth:\n  enabled: false\n", "") + auth;
}
