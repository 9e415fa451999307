// The fake upstream as the benchmark runs it: a process of its own that says
// where it listens and counts the requests it answered over IPC.
import { afterAll, describe, expect, it } from "vitest";
import { startFakeProcess, type FakeProcess } from "../../bench/lib/processes.js";
import { chatCompletionJson } from "../../bench/lib/payloads.js";

let fake: FakeProcess | undefined;
afterAll(async () => {
  await fake?.stop();
});

describe("bench/fake-upstream-server.ts", () => {
  it("serves chat completions from its own process and counts them", async () => {
    fake = await startFakeProcess({ latencyMs: 0 });
    expect(fake.pid).not.toBe(process.pid);
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${fake.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: chatCompletionJson(false) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toContain("Simulated answer");
    expect(await fake.requestCount()).toBe(1);
  });
});
