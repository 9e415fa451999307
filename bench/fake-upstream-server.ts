// The fake upstream as a process of its own, so it never shares an event loop
// with tierd or the load generator.
//
//   node --import tsx bench/fake-upstream-server.ts [--latency-ms N] [--chunk-delay-ms N] [--words-per-chunk N]
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

const fake = await startFakeUpstream({
  record: false,
  port: numberOf("port", values.port),
  latencyMs: numberOf("latency-ms", values["latency-ms"]),
  chunkDelayMs: numberOf("chunk-delay-ms", values["chunk-delay-ms"]),
  wordsPerChunk: Math.max(1, numberOf("words-per-chunk", values["words-per-chunk"])),
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
