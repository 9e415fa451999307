import { Code, ConnectError, createTierdClient, Role, Tier } from "@tierd/client";

const tierd = createTierdClient({
  baseUrl: "http://127.0.0.1:50051",
  protocol: "grpc", // or "connect" / "grpc-web"
  timeoutMs: 30_000, // default deadline of every call, retries included
});
const messages = [{ role: Role.USER, content: "Is 7 a prime number?" }];

// Dry-run the routing decision: no model is called. Retried automatically.
const { decision } = await tierd.classify({ messages });
console.log("would route to", Tier[decision!.tier], "-", decision!.reason);

// A routed completion. requestId is the idempotency key: reuse it to retry.
const answer = await tierd.route({ messages, requestId: "quickstart-1" });
console.log(`${answer.model}: ${answer.content} (${answer.costPicoUsd} pico-USD)`);

// A stream: the decision first, then text deltas, then a summary.
for await (const msg of tierd.streamCompletion({ messages }, { timeoutMs: 10_000 })) {
  if (msg.event.case === "delta") process.stdout.write(msg.event.value.content);
  if (msg.event.case === "summary") console.log(`\n[${msg.event.value.usage?.outputTokens} tokens]`);
}

// Errors carry a gRPC code; see "Errors a caller sees".
try {
  await tierd.route({ messages: [] });
} catch (err) {
  const e = ConnectError.from(err);
  console.log(Code[e.code], "-", e.rawMessage);
}
