// A dead upstream is visible in the log: the failed attempt, the breaker
// opening, the fallback that answered; once per window, not once per request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/core/log.js";
import { Tier } from "../../src/core/types.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { createProvider, type Provider } from "../../src/provider/index.js";
import { baseConfigYaml } from "../helpers/tierd.js";

describe("upstream log lines", () => {
  let fake: FakeUpstream;
  let provider: Provider;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const config = parseConfig(baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 200\nretry: { base_delay_ms: 1, max_delay_ms: 2 }"), "t.yaml", {});
    provider = createProvider({ config, log: createLogger({ level: "info", write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) });
  });
  afterAll(async () => {
    await provider?.close();
    await fake?.close();
  });

  it("names the failing deployment, the breaker and the fallback, once per window", async () => {
    fake.inject({ model: "openai/gpt-4o-mini", times: Infinity, fault: { status: 503, message: "overloaded" } });
    const request = { requestId: "r", messages: [{ role: "user" as const, content: "hi" }], params: { stop: [], responseFormat: "text" as const, maxOutputTokens: 16 }, endpoint: "", caller: { id: "", plan: "", metadata: {} }, cacheBypass: false };
    for (let i = 0; i < 5; i++) {
      const answer = await provider.complete(Tier.NANO, request, { signal: new AbortController().signal });
      expect(answer.deployment).toBe("mid-1");
    }
    const failed = lines.filter((l) => l.msg === "upstream attempt failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: "warn", deployment: "nano-1", error_class: "server_error", http_status: 503 });
    expect(lines.filter((l) => String(l.msg).startsWith("deployment breaker opened"))).toEqual([expect.objectContaining({ deployment: "nano-1", reason: "server_error" })]);
    expect(lines.filter((l) => l.msg === "answered by a fallback")).toEqual([expect.objectContaining({ from: "nano-1", to: "mid-1" })]);
    expect(JSON.stringify(lines)).not.toContain("test-key-nano");
  });
});
