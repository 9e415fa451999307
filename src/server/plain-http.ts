// Plain HTTP endpoints that share the port with the RPCs: the OpenAI-style
// API (/v1/...), health for load balancers and Kubernetes (/healthz,
// /readyz) and Prometheus (/metrics). A request whose path one of them owns
// is answered here; everything else goes on to connect-node. Matching is on
// the path alone (no query), exact, so an RPC path can never be taken.
import type { connectNodeAdapter } from "@connectrpc/connect-node";

type Handler = ReturnType<typeof connectNodeAdapter>;
/** node:http or node:http2 compatibility request, as connect-node takes it. */
export type PlainRequest = Parameters<Handler>[0];
export type PlainResponse = Parameters<Handler>[1];

export interface PlainRoute {
  /** Exact path, without the query string. */
  path: string;
  /** Methods served; another method on the path is a 405 naming these. */
  methods: readonly string[];
  handle(req: PlainRequest, res: PlainResponse): void | Promise<void>;
}

/** `next` for every path no route owns. Routes are registered once, at start-up; a duplicate path is a bug. */
export function withPlainRoutes(routes: readonly PlainRoute[], next: Handler, onError: (err: unknown) => void): Handler {
  const byPath = new Map<string, PlainRoute>();
  for (const route of routes) {
    if (byPath.has(route.path)) throw new Error(`two plain HTTP routes for ${route.path}`);
    byPath.set(route.path, route);
  }
  if (byPath.size === 0) return next;
  return (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = byPath.get(q < 0 ? url : url.slice(0, q));
    if (route === undefined) return next(req, res);
    if (!route.methods.includes(req.method ?? "")) {
      sendJson(res, 405, { error: { message: `${req.method} is not served on ${route.path}; use ${route.methods.join(" or ")}`, type: "invalid_request_error", code: "method_not_allowed" } }, { allow: route.methods.join(", ") });
      return;
    }
    let pending: void | Promise<void>;
    try {
      pending = route.handle(req, res);
    } catch (err) {
      failed(res, err, onError);
      return;
    }
    if (pending instanceof Promise) pending.catch((err: unknown) => failed(res, err, onError));
  };
}

/** A JSON answer with its length; extra headers win over the defaults. */
export function sendJson(res: PlainResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A handler that threw: logged, and a 500 if nothing was sent yet; never a hung request. */
function failed(res: PlainResponse, err: unknown, onError: (err: unknown) => void): void {
  onError(err);
  if (!res.headersSent) sendJson(res, 500, { error: { message: "internal error", type: "server_error", code: "internal" } });
  else res.end();
}
