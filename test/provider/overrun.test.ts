// An upstream that streams past max_output_tokens is cut there: the caller
// gets a stream that ends as LENGTH with no more than about max_output_tokens
// of text, the upstream request is aborted, and the bill (estimated, since
// no usage came) is of what was produced up to the cut, not of the whole
// runaway answer. Over the real server against the fake upstream, whose
// `contentBytes` fault ignores max_tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FinishReason, Role, Tier, type StreamCompletionResponse } from "../../gen/tierd/v1/router_pb.js";
import { countTextTokens } from "../../src/pricing/index.js";
import { overrunLimit } from "../../src/provider/provider.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

describe("a stream past max_output_tokens", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t.close();
  });

  it("is cut at the limit, ends as LENGTH, aborts the upstream and bills only up to the cut", async () => {
    const maxOutputTokens = 300;
    const messages = [{ role: Role.USER, content: 'write forever [[fake:{"contentBytes":200000,"noUsage":true}]]' }];
    const events: StreamCompletionResponse["event"][] = [];
    for await (const msg of t.grpc.streamCompletion({ messages, tierOverride: Tier.NANO, params: { maxOutputTokens } })) events.push(msg.event);
    const text = events.map((e) => (e.case === "delta" ? e.value.content : "")).join("");
    const summary = events.at(-1);
    if (summary?.case !== "summary") throw new Error(`no summary: ${JSON.stringify(events.at(-1))}`);
    expect(summary.value.finishReason).toBe(FinishReason.LENGTH);
    expect(countTextTokens(text)).toBeLessThanOrEqual(overrunLimit(maxOutputTokens));
    expect(text.length).toBeLessThan(200_000 / 4);
    expect(summary.value.usage!.estimated).toBe(true);
    // Billed: what was produced up to the cut (the limit plus the one piece that crossed it), not the 200 KB answer's ~50,000 tokens.
    expect(summary.value.usage!.outputTokens).toBeLessThan(overrunLimit(maxOutputTokens) + 1_500);
    await expect.poll(() => t.fake.openRequests()).toBe(0);
  });

  it("leaves an answer within the limit alone", async () => {
    const events: StreamCompletionResponse["event"][] = [];
    for await (const msg of t.grpc.streamCompletion({ messages: [{ role: Role.USER, content: "a short answer" }], tierOverride: Tier.NANO, params: { maxOutputTokens: 200 } })) events.push(msg.event);
    const summary = events.at(-1);
    if (summary?.case !== "summary") throw new Error("no summary");
    expect(summary.value.finishReason).toBe(FinishReason.STOP);
    expect(summary.value.usage!.estimated).toBe(false);
  });
});
