// The adapter's fallback for paths no service serves: a proper Unimplemented
// in the caller's protocol rather than a bare HTTP 404 page.
import type { connectNodeAdapter } from "@connectrpc/connect-node";

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
type NodeServerRequest = Parameters<NodeHandlerFn>[0];
type NodeServerResponse = Parameters<NodeHandlerFn>[1];

export function unimplementedFallback(req: NodeServerRequest, res: NodeServerResponse): void {
  const path = req.url ?? "";
  const contentType = String(req.headers["content-type"] ?? "");
  const message = `unknown method ${path}`;
  if (contentType.startsWith("application/grpc")) {
    // Trailers-only response: status in the headers, as gRPC allows.
    res.writeHead(200, {
      "content-type": contentType.startsWith("application/grpc-web") ? "application/grpc-web+proto" : "application/grpc",
      "grpc-status": "12",
      "grpc-message": encodeURIComponent(message),
    });
    res.end();
    return;
  }
  const body = JSON.stringify({ code: "unimplemented", message });
  res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
