// The retry-after hint of a RESOURCE_EXHAUSTED that every fallback's rate
// limit caused: the upstream's own hint when it sent one, else when the
// breakers it opened close again.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { RetryInfoSchema } from "../../gen/tierd/v1/errors_pb.js";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { providerYaml } from "./provider-config.js";

const ask = [{ role: Role.USER, content: "Is 7 a prime number?" }];
let t: TestTierd | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function routeError(tierd: TestTierd, stream: boolean): Promise<ConnectError> {
  try {
    if (stream) for await (const _ of tierd.grpc.streamCompletion({ messages: ask, tierOverride: Tier.NANO })) void _;
    else await tierd.grpc.route({ messages: ask, tierOverride: Tier.NANO });
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("retry-after when every deployment is rate limited", () => {
  for (const stream of [false, true]) {
    const kind = stream ? "StreamCompletion" : "Route";

    it(`${kind}: a 429 without Retry-After that opens every breaker hints at the cooldown`, async () => {
      t = await startTestTierd({ yaml: providerYaml({ retry: { max_retries: 0 }, cooldown: { failure_threshold: 1, cooldown_ms: 7_000 } }) });
      t.fake.inject({ times: Infinity, fault: { status: 429 } });
      const err = await routeError(t, stream);
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(Number(err.metadata.get("retry-after"))).toBeGreaterThanOrEqual(6);
      expect(Number(err.metadata.get("retry-after"))).toBeLessThanOrEqual(7);
    });

    it(`${kind}: the upstream's own Retry-After wins over the breaker's cooldown`, async () => {
      t = await startTestTierd({ yaml: providerYaml({ retry: { max_retries: 0 }, cooldown: { failure_threshold: 1, cooldown_ms: 7_000 } }) });
      t.fake.inject({ times: Infinity, fault: { status: 429, retryAfter: 20 } });
      const err = await routeError(t, stream);
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(err.metadata.get("retry-after")).toBe("20");
      // The same hint as a typed detail, for callers that decode details rather than headers.
      const [info] = err.findDetails(RetryInfoSchema);
      expect(info?.retryDelay?.seconds).toBe(20n);
    });
  }
});
