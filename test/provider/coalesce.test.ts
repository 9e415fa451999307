// Under load, the text of one upstream read goes on as one delta
// (server.coalesce_deltas_above_streams). The fake writes a whole answer in
// one write, so its deltas arrive in one read: below the threshold they are
// passed on one by one, above it as one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { CompletionRequest } from "../../src/core/types.js";
import { Tier } from "../../src/core/types.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { createProvider, type ProviderWithCooldown } from "../../src/provider/index.js";
import { providerYaml } from "./provider-config.js";

const request: CompletionRequest = {
  requestId: "r-1",
  messages: [{ role: "user", content: "Write two paragraphs about the history of tea." }],
  endpoint: "",
  caller: { id: "", plan: "", metadata: {} },
  params: { stop: [], responseFormat: "text" },
  cacheBypass: false,
};

/** The deltas of one stream, and the answer's text. */
async function deltasOf(provider: ProviderWithCooldown): Promise<{ deltas: string[]; content: string }> {
  const deltas: string[] = [];
  let content = "";
  for await (const e of provider.stream(Tier.NANO, request, { signal: new AbortController().signal })) {
    if (e.kind === "delta") deltas.push(e.content);
    if (e.kind === "done") content = e.completion.content;
  }
  return { deltas, content };
}

describe("delta coalescing", () => {
  let fake: FakeUpstream;
  const providers: ProviderWithCooldown[] = [];
  const providerWith = (coalesceAbove: number | undefined) => {
    const p = createProvider({ config: parseConfig(providerYaml({}).replaceAll("{{FAKE}}", fake.url), "t.yaml", {}), ...(coalesceAbove === undefined ? {} : { coalesceAbove }) });
    providers.push(p);
    return p;
  };
  beforeAll(async () => {
    fake = await startFakeUpstream();
  });
  afterAll(async () => {
    for (const p of providers) await p.close();
    await fake.close();
  });

  it("passes a read's tokens on one by one below the threshold, and as one delta above it, with the same text", async () => {
    const apart = await deltasOf(providerWith(undefined));
    expect(apart.deltas.length).toBeGreaterThan(3);
    expect(apart.deltas.join("")).toBe(apart.content);

    const merged = await deltasOf(providerWith(0));
    expect(merged.content).toBe(apart.content);
    expect(merged.deltas.join("")).toBe(merged.content);
    // The first token arrives on its own (the fake flushes the headers and first chunk before the rest).
    expect(merged.deltas.length).toBeLessThan(apart.deltas.length);
    expect(merged.deltas.length).toBeLessThanOrEqual(3);
  });

  it("counts the streams open on the provider: one alone is not coalesced, three at once are", async () => {
    const provider = providerWith(2);
    const alone = await deltasOf(provider);
    const together = await Promise.all([deltasOf(provider), deltasOf(provider), deltasOf(provider)]);
    for (const t of together) expect(t.content).toBe(alone.content);
    // At least the streams still reading while all three were open got merged reads.
    expect(Math.min(...together.map((t) => t.deltas.length))).toBeLessThan(alone.deltas.length);
    // Once they are done, the count is back down: a lone stream is passed on token by token again.
    expect((await deltasOf(provider)).deltas.length).toBe(alone.deltas.length);
  });
});
