// The fake upstream as a process of its own, so it never shares an event loop
// with tierd or the load generator.
//
//   node --import tsx bench/fake-upstream-server.ts [--latency-ms N] [--chunk-delay-ms N] [--words-per-chunk N]
//     [--first-token-ms N] [--answer-words N]
//
// --first-token-ms pauses every stream between its headers and its first
// content chunk (a model's time to first token); --answer-words makes every
// answer that many words long (a long answer; max_tokens still cuts it).
//
// Prints one JSON line, {"url": "http://127.0.0.1:PORT/v1"}, once listening.
// Started with an IPC channel (child_process.fork), it answers
// {"type":"stats"} with {"type":"stats","requests":N,"openRequests":N} so the
// benchmark can check that every request a gateway answered reached it.
import { parseArgs } from "node:util";
import { startFakeUpstream } from "../src/demo/fake-upstream.js";

const { values } = parseArgs({
  options: {
    "latency-ms": { type: "string", default: "0" },
    "chunk-delay-ms": { type: "string", default: "0" },
    "words-per-chunk": { type: "string", default: "3" },
    "first-token-ms": { type: "string", default: "0" },
    "answer-words": { type: "string", default: "0" },
    port: { type: "string", default: "0" },
  },
  strict: true,
});

const numberOf = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fake-upstream: --${name} must be a non-negative number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
};

const answerWords = Math.floor(numberOf("answer-words", values["answer-words"]));
// Words of a few letters, about one token each, so the answer streams as answerWords tokens.
const longAnswer = Array.from({ length: answerWords }, (_, i) => `w${i % 100}`).join(" ");
const fake = await startFakeUpstream({
  record: false,
  port: numberOf("port", values.port),
  latencyMs: numberOf("latency-ms", values["latency-ms"]),
  chunkDelayMs: numberOf("chunk-delay-ms", values["chunk-delay-ms"]),
  wordsPerChunk: Math.max(1, numberOf("words-per-chunk", values["words-per-chunk"])),
  firstTokenMs: numberOf("first-token-ms", values["first-token-ms"]),
  ...(answerWords > 0 ? { reply: () => longAnswer } : {}),
});
process.stdout.write(JSON.stringify({ url: fake.url }) + "\n");

const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (process.send !== undefined) {
  process.on("message", (message: { type?: string }) => {
    if (message.type === "stats") process.send!({ type: "stats", requests: fake.requestCount(), openRequests: fake.openRequests() });
  });
  // The parent going away ends the fake too: no orphan keeps a port.
  process.on("disconnect", stop);
}
