// A slow reader must slow the upstream, not grow a buffer inside tierd: the
// stream is pulled from the upstream socket only as fast as the caller takes
// it (HTTP/2 flow control -> Connect's write awaiting drain -> the
// provider's pull -> undici -> TCP). The reader here is a raw HTTP/2 stream
// that pauses, so nothing on the client side reads ahead.
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { providerYaml } from "./provider-config.js";

const ANSWER_BYTES = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Polls until `value()` has not changed for `quietMs`; returns the settled value. */
async function settled(value: () => number, quietMs: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
  }
  throw new Error(`still changing after ${timeoutMs} ms (at ${last})`);
}

/** A Connect-protocol streaming request: one enveloped JSON message. */
function envelope(message: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(message));
  const out = Buffer.alloc(5 + json.length);
  out.writeUInt32BE(json.length, 1);
  json.copy(out, 5);
  return out;
}

describe("streaming backpressure", () => {
  let t: TestTierd;
  beforeAll(async () => {
    // A 64 MiB answer is a legitimate one here: the request allows that many
    // tokens, so tierd's cut at max_output_tokens never fires.
    const huge = { context_window: 200_000_000 };
    t = await startTestTierd({ yaml: providerYaml({ deployments: { "nano-1": huge, "mid-1": huge, "frontier-1": huge } }) + "limits:\n  max_output_tokens: 100000000\n" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("stops pulling from the upstream while the reader stalls, resumes when it reads, and closes when it leaves", async () => {
    t.fake.inject({ model: "test/nano-1", fault: { contentBytes: ANSWER_BYTES } });
    const session = http2.connect(t.tierd.url);
    try {
      const req = session.request({
        ":method": "POST",
        ":path": "/tierd.v1.RouterService/StreamCompletion",
        "content-type": "application/connect+json",
      });
      req.end(envelope({ messages: [{ role: "ROLE_USER", content: "Write a very long story." }], tierOverride: "TIER_NANO", params: { maxOutputTokens: 100_000_000 } }));
      let received = 0;
      req.on("data", (chunk: Buffer) => (received += chunk.length));
      req.pause();

      // Unthrottled, the upstream would send all 64 MiB in about a second.
      // Throttled, it stops once the buffers on the way are full: mostly the
      // kernel's socket buffers between the fake and tierd.
      const stalledAt = await settled(() => t.fake.streamedBytes(), 400, 10_000);
      expect(stalledAt).toBeLessThan(8 * MiB);
      expect(received).toBeLessThan(MiB);

      req.resume();
      const until = Date.now() + 20_000;
      while (received <= stalledAt + 4 * MiB && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(received).toBeGreaterThan(stalledAt + 4 * MiB);
      expect(t.fake.streamedBytes()).toBeGreaterThan(stalledAt + 4 * MiB);

      req.close(http2.constants.NGHTTP2_CANCEL);
      expect(await settled(() => t.fake.openSockets(), 200, 5_000)).toBe(0);
      expect(t.fake.streamedBytes()).toBeLessThan(ANSWER_BYTES);
    } finally {
      session.close();
    }
  }, 40_000);
});
