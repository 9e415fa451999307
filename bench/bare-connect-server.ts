// The framework's floor: a bare @connectrpc/connect-node server (the same
// package and version tierd serves with) whose Route handler decodes the
// request and answers a fixed RouteResponse, with no routing, no upstream
// call, no ledger and no interceptors. tierd's Route CPU per request is
// reported as a multiple of this one's (bench/run.ts).
//
//   node --import tsx bench/bare-connect-server.ts
//
// Prints one JSON line, {"url": "http://127.0.0.1:PORT"}, once listening.
import http2 from "node:http2";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { FinishReason, RouterService, RouteResponseSchema, Tier } from "../gen/tierd/v1/router_pb.js";

const answer = create(RouteResponseSchema, { content: "bare connect-node answer", finishReason: FinishReason.STOP, tier: Tier.NANO, model: "none", requestId: "bare" });
const handler = connectNodeAdapter({
  routes: (r) =>
    r.service(RouterService, {
      route: (req) => ({ ...answer, content: `${answer.content} (${req.messages.length} messages)` }),
    }),
});
const server = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, handler);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
