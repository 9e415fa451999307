// The OpenAI-compatible HTTP API on tierd's port: POST /v1/chat/completions
// (JSON and SSE) and GET /v1/models, so code written for an OpenAI SDK
// routes through tierd by changing its base URL and key. It is an adapter
// over the same router, keys, limits, budgets and ledger as the RPCs: the
// body becomes a RouteRequest (openai-request.ts), the router answers, and
// the answer goes back in OpenAI's shapes (openai-response.ts).
import { authorizeRequest, type Authenticator, type InputLimits } from "../callers/index.js";
import { abortReasonOf, isTierdError, TierdError, type ErrorCode } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { NAME_OF_TIER, TIERS_CHEAPEST_FIRST } from "../core/tiers.js";
import type { CallContext, CompletionRequest, Decision, Principal } from "../core/types.js";
import type { Router } from "../router/index.js";
import { picoToUsd } from "../pricing/index.js";
import type { RequestDefaults } from "./convert.js";
import { createDepthScanner, MAX_JSON_DEPTH } from "./json-depth.js";
import { chatCompletionCallOf, ROUTING_MODELS, TIERD_HEADERS } from "./openai-request.js";
import { chatCompletionJson, chunkWriter, errorJson, HTTP_OF } from "./openai-response.js";
import { sendJson, type PlainRequest, type PlainResponse, type PlainRoute } from "./plain-http.js";

export interface OpenAiApiOptions extends RequestDefaults {
  router: Router;
  /** Absent when authentication is off: every caller is trusted, as on the RPCs. */
  authenticator?: Authenticator;
  limits?: InputLimits;
  /** server.max_request_bytes. */
  maxRequestBytes: number;
  /** Aborted when the shutdown grace period is over: in-flight calls end as UNAVAILABLE. */
  shutdownSignal: AbortSignal;
  /** Deployment names and models per tier, for GET /v1/models. */
  deploymentsByTier: Record<"nano" | "mid" | "frontier", { name: string; model: string }[]>;
  log: Logger;
}

export const CHAT_COMPLETIONS_PATH = "/v1/chat/completions";
export const MODELS_PATH = "/v1/models";

export function openAiRoutes(options: OpenAiApiOptions): PlainRoute[] {
  return [
    { path: CHAT_COMPLETIONS_PATH, methods: ["POST"], handle: (req, res) => chatCompletions(req, res, options) },
    { path: MODELS_PATH, methods: ["GET"], handle: (req, res) => models(req, res, options) },
  ];
}

async function chatCompletions(req: PlainRequest, res: PlainResponse, o: OpenAiApiOptions): Promise<void> {
  const abort = new AbortController();
  // The caller hung up (or the server stops after its grace period): the
  // router's call is cancelled, as an RPC's would be.
  const onClose = () => {
    if (!res.writableFinished) abort.abort(new TierdError("canceled", "the client closed the connection"));
  };
  res.once("close", onClose);
  const onShutdown = () => abort.abort(o.shutdownSignal.reason);
  if (o.shutdownSignal.aborted) onShutdown();
  else o.shutdownSignal.addEventListener("abort", onShutdown, { once: true });
  try {
    const principal = authenticate(req, o);
    const body = await readJsonBody(req, o.maxRequestBytes);
    const call = chatCompletionCallOf(body, req.headers, o);
    const request = admitted(call.request, principal, o.limits);
    const ctx: CallContext = { signal: abort.signal, ...(principal === undefined ? {} : { principal }) };
    const created = Math.floor(Date.now() / 1000);
    if (!call.stream) {
      const result = await o.router.route(request, ctx);
      sendJson(res, 200, chatCompletionJson(result, created), {
        ...decisionHeaders(request.requestId, result.decision),
        "x-tierd-deployment": result.deployment,
        "x-tierd-cost-usd": String(picoToUsd(result.costPicoUsd)),
      });
      return;
    }
    await streamCompletion(res, o, request, ctx, created, call.includeUsage);
  } catch (err) {
    sendError(res, err, o.log, abort.signal);
  } finally {
    res.off("close", onClose);
    o.shutdownSignal.removeEventListener("abort", onShutdown);
  }
}

async function streamCompletion(res: PlainResponse, o: OpenAiApiOptions, request: CompletionRequest, ctx: CallContext, created: number, includeUsage: boolean): Promise<void> {
  let decision: Decision | undefined;
  let chunks: ReturnType<typeof chunkWriter> | undefined;
  let delivered = false;
  // Headers wait for the first piece of the answer: until then a failure
  // (every deployment down, a budget refusal) is still an HTTP status the
  // SDK's retry logic understands, not an error inside a 200.
  const open = () => {
    if (delivered) return;
    delivered = true;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      ...(decision === undefined ? {} : decisionHeaders(request.requestId, decision)),
    });
  };
  try {
    for await (const event of o.router.stream(request, ctx)) {
      switch (event.kind) {
        case "decision":
          decision = event.decision;
          // Chunks name the tier until the summary names the model that served.
          chunks = chunkWriter(request.requestId, created, `tierd/${NAME_OF_TIER[decision.tier]}`);
          break;
        case "delta":
          open();
          await write(res, chunks!.content(event.content));
          break;
        case "tool_call":
          open();
          await write(res, chunks!.toolCall(event));
          break;
        case "summary":
          open();
          await write(res, chunks!.finish(event.summary, decision!));
          if (includeUsage) await write(res, chunks!.usage(event.summary));
          res.end("data: [DONE]\n\n");
          return;
      }
    }
  } catch (err) {
    if (!delivered) throw err;
    // After content: an SSE error event and no [DONE], so no client takes
    // a cut answer for a whole one (OpenAI SDKs throw on it).
    const { code, message } = describe(err, o.log, ctx.signal);
    if (!res.writableEnded && !res.destroyed) res.end(`event: error\ndata: ${JSON.stringify(errorJson(code, message))}\n\n`);
  }
}

/** One SSE data line; waits for the socket to drain, so a slow reader slows the upstream instead of growing a buffer. */
function write(res: PlainResponse, chunk: unknown): Promise<void> | void {
  if (res.destroyed || res.writableEnded) throw new TierdError("canceled", "the client closed the connection");
  if (res.write(`data: ${JSON.stringify(chunk)}\n\n`)) return;
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", closed);
      resolve();
    };
    const closed = () => {
      res.off("drain", done);
      reject(new TierdError("canceled", "the client closed the connection"));
    };
    res.once("drain", done);
    res.once("close", closed);
  });
}

function models(req: PlainRequest, res: PlainResponse, o: OpenAiApiOptions): void {
  try {
    authenticate(req, o);
  } catch (err) {
    sendError(res, err, o.log);
    return;
  }
  const entry = (id: string, deployments: { name: string; model: string }[] | undefined) => ({
    id,
    object: "model",
    created: 0,
    owned_by: "tierd",
    tierd: deployments === undefined ? { routing: "auto" } : { routing: "tier", deployments },
  });
  const data = ROUTING_MODELS.map((id) => {
    const tier = id.replace(/^tierd\//, "");
    return entry(id, tier === "auto" ? undefined : o.deploymentsByTier[tier as "nano" | "mid" | "frontier"]);
  });
  sendJson(res, 200, { object: "list", data, tiers: TIERS_CHEAPEST_FIRST.map((t) => NAME_OF_TIER[t]) });
}

function authenticate(req: PlainRequest, o: OpenAiApiOptions): Principal | undefined {
  return o.authenticator?.authenticate(req.headers.authorization);
}

/** Input limits, then what the caller may ask for: the order and checks of the RPCs. */
function admitted(request: CompletionRequest, principal: Principal | undefined, limits: InputLimits | undefined): CompletionRequest {
  const limited = limits?.checkCompletion(request) ?? request;
  return principal === undefined ? limited : authorizeRequest(principal, limited);
}

function decisionHeaders(requestId: string, decision: Decision): Record<string, string> {
  return { [TIERD_HEADERS.requestId]: requestId, "x-tierd-tier": NAME_OF_TIER[decision.tier] };
}

/**
 * The body as JSON, read within the size limit and scanned for nesting as
 * it arrives (the RPCs' JSON guard), so a hostile body costs no more than
 * reading it.
 */
async function readJsonBody(req: PlainRequest, maxBytes: number): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new TierdError("invalid_argument", `content-type must be application/json (got "${type}")`);
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding !== "identity") throw new TierdError("invalid_argument", `content-encoding ${encoding} is not supported: send the body uncompressed`);
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const scan = createDepthScanner(MAX_JSON_DEPTH);
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of req as AsyncIterable<Buffer>) {
    size += piece.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    if (!scan(piece)) throw new TierdError("invalid_argument", `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
    pieces.push(piece);
  }
  try {
    return JSON.parse(Buffer.concat(pieces).toString("utf8"));
  } catch (err) {
    throw new TierdError("invalid_argument", `the body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function tooLarge(maxBytes: number): TierdError {
  return new TierdError("invalid_argument", `the request body is larger than server.max_request_bytes (${maxBytes} bytes)`, { details: { status: 413 } });
}

function describe(err: unknown, log: Logger, signal?: AbortSignal): { code: ErrorCode; message: string; field?: string; retryAfterSeconds?: number; status?: number } {
  if (isTierdError(err)) {
    // A cancel that came from the server stopping is the server's (UNAVAILABLE).
    const stopping = err.code === "canceled" && signal !== undefined ? abortReasonOf(signal) : undefined;
    if (stopping) return { code: stopping.code, message: stopping.message };
    const status = typeof err.details?.status === "number" ? err.details.status : undefined;
    return {
      code: err.code,
      message: err.message,
      ...(err.field === undefined ? {} : { field: err.field }),
      ...(err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds }),
      ...(status === undefined ? {} : { status }),
    };
  }
  log.error("unexpected error", { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  return { code: "internal", message: "internal error; see the server log" };
}

/** OpenAI's error shape with the matching status; a retry hint as retry-after, as the SDKs read it. */
function sendError(res: PlainResponse, err: unknown, log: Logger, signal?: AbortSignal): void {
  const d = describe(err, log, signal);
  if (res.headersSent || res.destroyed) {
    if (!res.writableEnded) res.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (d.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(d.retryAfterSeconds)));
  if (d.code === "unauthenticated") headers["www-authenticate"] = 'Bearer realm="tierd"';
  sendJson(res, d.status ?? HTTP_OF[d.code].status, errorJson(d.code, d.message, d.field), headers);
}
