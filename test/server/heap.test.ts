// No memory kept per request: the heap after a full GC stays flat while
// thousands of requests (unary and streams, with budgets, rate limits and
// the ledger on) go through a real server. The soak's RSS check is coarse
// (V8 and the allocator grow RSS towards a plateau); this one is not.
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const caller = testKey("tierd_test_heap_5566778899aabbccddee", "heap", { budgets: ["big"], rate_limit: "roomy" });

describe("memory per request", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd({
      // Each request has its own request_id, so each answer is kept for its
      // retries: a small bound makes the store fill during the warm-up, and
      // the heap must then stay flat as it evicts.
      yaml:
        authConfigYaml("{{FAKE}}", [caller], { budgets: { big: { usd_per_day: 1000 } }, rate_limits: { roomy: { requests_per_minute: 10_000_000 } } }) +
        "idempotency:\n  max_bytes: 524288\n",
      fake: { record: false },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps the heap after GC flat over 2,000 requests", async () => {
    const { grpc } = clientsFor(RouterService, t.tierd.url, caller.key);
    let n = 0;
    const run = (count: number) =>
      Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let j = 0; j < count / 16; j++) {
            const i = n++;
            const request = { messages: [{ role: Role.USER, content: `hello ${i}` }], tierOverride: Tier.NANO, requestId: `heap-${i}` };
            if (i % 2 === 0) await grpc.route(request);
            else for await (const _ of grpc.streamCompletion(request)) void _;
          }
        }),
      );
    const heapAfterGc = async () => {
      await t.tierd.usage!.ledger.flush();
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // Warm-up: connections, JIT and V8's feedback; the heap still settles by
    // ~1.6 MB over the first 1,000 requests and by well under 0.5 MB per 1,000 after.
    await run(1_500);
    const before = await heapAfterGc();
    await run(2_000);
    const after = await heapAfterGc();
    // 3 MB over 2,000 requests: a leak of 1.5 kB per request fails.
    expect(after - before, `heap grew ${((after - before) / 1024).toFixed(0)} kB`).toBeLessThan(3 * 1024 * 1024);
  }, 60_000);
});
