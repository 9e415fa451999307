// The fake upstream as the benchmark runs it: a process of its own that says
// where it listens and counts the requests it answered over IPC.
import { afterAll, describe, expect, it } from "vitest";
import { startFakeProcess, type FakeProcess } from "../../bench/lib/processes.js";
import { chatCompletionJson } from "../../bench/lib/payloads.js";

let fake: FakeProcess | undefined;
let slow: FakeProcess | undefined;
afterAll(async () => {
  await fake?.stop();
  await slow?.stop();
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

  it("streams a long answer in chunks of the given size after the given time to first token (the slow-streams case)", async () => {
    slow = await startFakeProcess({ firstTokenMs: 150, answerWords: 40, wordsPerChunk: 4, chunkDelayMs: 5 });
    const started = performance.now();
    const res = await fetch(`${slow.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: chatCompletionJson(true) });
    expect(res.status).toBe(200);
    const pieces: string[] = [];
    let firstAt = Number.NaN;
    let buffer = "";
    for await (const bytes of res.body!) {
      buffer += Buffer.from(bytes).toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end).replace(/^data: /, "");
        buffer = buffer.slice(end + 2);
        if (event === "[DONE]") continue;
        const content = (JSON.parse(event) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
        if (content) {
          if (pieces.length === 0) firstAt = performance.now() - started;
          pieces.push(content);
        }
      }
    }
    // 40 words in chunks of 4, the first held back by the time to first token (a sleep: never shorter).
    expect(pieces).toHaveLength(10);
    expect(pieces.join("").trim().split(/\s+/)).toHaveLength(40);
    expect(firstAt).toBeGreaterThanOrEqual(145);
  });
});
