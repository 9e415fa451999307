// A real OpenAI-compatible HTTP server on loopback: the tests' upstream, the
// benchmark's baseline and the demo upstream of the embedded default config.
// It speaks the Chat Completions API (JSON and SSE streaming) and injects
// faults per request, either from rules the test installs (`inject`) or from
// a directive inside the last user message, `[[fake:{"status":503}]]`, which
// lets callers in any language script a fault end to end. A directive with a
// "model" field applies to that model only, so one message can fault one
// tier and let its fallback answer.
//
// Beyond text it speaks function calling, image parts and structured outputs
// as OpenAI puts them on the wire, and refuses what OpenAI refuses with the
// same 400 bodies (fake-request.ts), including what a model configured
// without a capability cannot do (`models`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { answerOf } from "./fake-answer.js";
import type { ChatRequestBody, ContentPart, FunctionTool, ResponseFormat, ToolCall, ToolChoice } from "./fake-chat-types.js";
import { isRecord } from "./fake-json-schema.js";
import { FakeRequestError } from "./fake-request-error.js";
import { validateChatRequest, type ModelCapabilities } from "./fake-request.js";
import { toolCallDeltas } from "./fake-tools.js";
import { promptTokensOf, textOf } from "./fake-usage.js";

export type * from "./fake-chat-types.js";
export type { ModelCapabilities } from "./fake-request.js";
export { approxTokens } from "./fake-usage.js";

export interface Fault {
  /** Answer with this HTTP status and an OpenAI-style error body. */
  status?: number;
  /** Retry-After header sent with `status` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  /** retry-after-ms header (OpenAI's millisecond form) sent with `status`. */
  retryAfterMs?: number;
  /** Error message in the body sent with `status` (some providers echo part of a rejected key). */
  message?: string;
  /** Answer 400 with code `context_length_exceeded`. */
  contextLength?: boolean;
  /** Wait this long before sending response headers. */
  delayHeadersMs?: number;
  /** Streaming: wait this long after headers before the first content chunk. */
  delayFirstTokenMs?: number;
  /** Never answer; the connection stays open until the client gives up. */
  hang?: boolean;
  /** Destroy the socket without answering. */
  resetConnection?: boolean;
  /** Streaming: destroy the socket after this many content chunks (0: before the first). */
  cutAfterChunks?: number;
  /** Streaming: go silent after this many content chunks, connection left open. */
  stallAfterChunks?: number;
  /** Streaming: end the body cleanly but without finish_reason and [DONE]. */
  noDone?: boolean;
  /** Send a body (or SSE data) that is not valid JSON. */
  malformedJson?: boolean;
  /** Leave out the usage block. */
  noUsage?: boolean;
  /** Answer with this text instead of the simulated one. */
  content?: string;
  /** Answer with this many bytes of filler text, ignoring max_tokens (large answers, backpressure tests). */
  contentBytes?: number;
  /** Report this many prompt tokens as read from the provider's cache. */
  cachedTokens?: number;
  /** Report this many reasoning tokens inside completion_tokens. */
  reasoningTokens?: number;
  /**
   * With tools: call this many of them in one answer (the first N, starting
   * over past the last), unless `parallel_tool_calls` is false or
   * `tool_choice` names one; 0 answers with text when the choice is the
   * model's ("auto"). Default 1.
   */
  toolCalls?: number;
}

export interface FaultRule {
  /** Only requests for this model (exact, or matching the pattern). */
  model?: string | RegExp;
  /** How many matching requests get the fault; Infinity for all. Default 1. */
  times?: number;
  fault: Fault;
}

export interface RecordedMessage {
  role: string;
  /** The text: the string content, or the text parts joined ("" for none). */
  content: string;
  /** The content as sent, when it was an array of parts. */
  parts?: ContentPart[];
  /** An assistant message's tool calls, as sent. */
  toolCalls?: ToolCall[];
  /** A tool message's `tool_call_id`. */
  toolCallId?: string;
  name?: string;
}

export interface RecordedRequest {
  model: string;
  stream: boolean;
  messages: RecordedMessage[];
  maxTokens: number | undefined;
  /** Which output-limit parameter the request used. */
  maxTokensParam: "max_tokens" | "max_completion_tokens" | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  seed: number | undefined;
  stop: string | string[] | undefined;
  user: string | undefined;
  reasoningEffort: string | undefined;
  /** The response_format type ("json_object", "json_schema", "text"). */
  responseFormat: string | undefined;
  /** The whole response_format, as sent. */
  responseFormatObject: ResponseFormat | undefined;
  /** As sent. */
  tools: FunctionTool[] | undefined;
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  authorization: string | undefined;
  fault: Fault | undefined;
  at: number;
}

export interface FakeUpstreamOptions {
  port?: number;
  host?: string;
  /** Added before headers on every request (simulated model latency). */
  latencyMs?: number;
  /** Streaming: pause between content chunks. */
  chunkDelayMs?: number;
  /** Words per streamed content chunk. */
  wordsPerChunk?: number;
  /**
   * Streaming: pause after the role chunk before the first content chunk,
   * on every request (a model's time to first token; a request's own
   * `delayFirstTokenMs` wins).
   */
  firstTokenMs?: number;
  /**
   * Produce the answer text; the default is a deterministic simulated answer.
   * Not asked when the answer calls tools.
   */
  reply?: (request: ChatRequestBody) => string;
  /** Keep a log of requests (tests); off for long benchmark runs. */
  record?: boolean;
  /**
   * Streaming tool calls: characters (code points) of arguments per chunk.
   * Default 7, a few tokens' worth, like OpenAI's pieces.
   */
  toolArgumentChunkChars?: number;
  /**
   * What each model (by exact name) can do; a request needing a capability
   * its model lacks gets OpenAI's 400. Models not listed, and capabilities
   * left out, can do everything.
   */
  models?: Record<string, ModelCapabilities>;
}

export interface FakeUpstream {
  /** Base URL for an OpenAI client, ending in /v1. */
  readonly url: string;
  readonly port: number;
  /** Requests received, when recording. */
  readonly requests: RecordedRequest[];
  /** Chat completion requests received since start or the last reset. */
  requestCount(): number;
  /** Sockets currently open to this server. */
  openSockets(): number;
  /**
   * Chat requests whose response is neither finished nor aborted: an upstream
   * call tierd has orphaned stays counted here. (An HTTP client may open a
   * fresh idle connection after aborting one, so socket counts alone blur this.)
   */
  openRequests(): number;
  /** Characters of SSE body written to streaming responses (bytes, for ASCII answers) since start or the last reset. */
  streamedBytes(): number;
  inject(rule: FaultRule): void;
  /** Clears rules, the request log and the counter. */
  reset(): void;
  close(): Promise<void>;
}

const DIRECTIVES = /\[\[fake:(\{.*?\})\]\]/gs;

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const rules: { model: string | RegExp | undefined; times: number; fault: Fault }[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let count = 0;
  let streamed = 0;
  let inFlight = 0;
  let idSeq = 0;
  const record = options.record ?? true;
  const wordsPerChunk = options.wordsPerChunk ?? 3;
  const toolArgumentChunkChars = Math.max(1, Math.floor(options.toolArgumentChunkChars ?? 7));
  const models = options.models ?? {};
  const capabilitiesOf = (model: string): Required<ModelCapabilities> => ({
    tools: true,
    vision: true,
    jsonSchema: true,
    ...(Object.hasOwn(models, model) ? models[model] : {}),
  });

  const takeRule = (model: string): Fault | undefined => {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const matches =
        rule.model === undefined ||
        (typeof rule.model === "string" ? rule.model === model : rule.model.test(model));
      if (!matches) continue;
      rule.times -= 1;
      if (rule.times <= 0) rules.splice(i, 1);
      return rule.fault;
    }
    return undefined;
  };

  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path?.endsWith("/models")) {
      return sendJson(res, 200, { object: "list", data: [] });
    }
    if (req.method !== "POST" || !path?.endsWith("/chat/completions")) {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    }
    const raw = await readBody(req);
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      return sendJson(res, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } });
    }
    if (typeof body.model !== "string" || !Array.isArray(body.messages)) {
      return sendJson(res, 400, { error: { message: "model and messages are required", type: "invalid_request_error" } });
    }
    count++;
    inFlight++;
    res.once("close", () => inFlight--);
    const messages = body.messages.map(recordedMessageOf);
    const fault = { ...takeRule(body.model), ...directiveOf(messages, body.model) };
    const hasFault = Object.keys(fault).length > 0;
    if (record) {
      requests.push({
        model: body.model,
        stream: body.stream === true,
        messages,
        maxTokens: body.max_completion_tokens ?? body.max_tokens,
        maxTokensParam: body.max_completion_tokens !== undefined ? "max_completion_tokens" : body.max_tokens !== undefined ? "max_tokens" : undefined,
        temperature: body.temperature,
        topP: body.top_p,
        seed: body.seed,
        stop: body.stop ?? undefined,
        user: body.user,
        reasoningEffort: body.reasoning_effort,
        responseFormat: body.response_format?.type,
        responseFormatObject: body.response_format ?? undefined,
        tools: body.tools ?? undefined,
        toolChoice: body.tool_choice ?? undefined,
        parallelToolCalls: body.parallel_tool_calls ?? undefined,
        authorization: req.headers.authorization,
        fault: hasFault ? fault : undefined,
        at: Date.now(),
      });
    }
    // Checked after recording, so a test sees that a refused call was made.
    let refusal: FakeRequestError | undefined;
    try {
      validateChatRequest(body, capabilitiesOf(body.model));
    } catch (err) {
      if (!(err instanceof FakeRequestError)) throw err;
      refusal = err;
    }

    if (fault.resetConnection) return void req.socket.destroy();
    if (fault.hang) return; // the client's timeout or abort closes the socket
    const headerDelay = (options.latencyMs ?? 0) + (fault.delayHeadersMs ?? 0);
    if (headerDelay > 0) await sleep(headerDelay);
    if (res.destroyed) return;

    if (fault.contextLength) {
      return sendJson(res, 400, {
        error: {
          message: "This model's maximum context length is exceeded. Please reduce the length of the messages.",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      });
    }
    if (fault.status !== undefined && fault.status >= 400) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
      const message = fault.message ?? `simulated upstream error ${fault.status}`;
      return sendJson(res, fault.status, { error: { message, type: errorTypeOf(fault.status), code: null } }, headers);
    }
    if (refusal !== undefined) return sendJson(res, 400, refusal.body);

    const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const answer = answerOf({ body, userText: lastUser.replace(DIRECTIVES, ""), fault, reply: options.reply });
    const promptTokens = promptTokensOf(body);
    const reasoning = fault.reasoningTokens ?? 0;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: answer.completionTokens + reasoning,
      total_tokens: promptTokens + answer.completionTokens + reasoning,
      prompt_tokens_details: { cached_tokens: Math.min(fault.cachedTokens ?? 0, promptTokens) },
      completion_tokens_details: { reasoning_tokens: reasoning },
    };
    const id = `chatcmpl-fake-${++idSeq}`;
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true) {
      if (fault.malformedJson) {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"id": "broken", "choices": [');
      }
      const message =
        answer.kind === "tool_calls"
          ? { role: "assistant", content: null, tool_calls: answer.toolCalls, refusal: null, annotations: [] }
          : { role: "assistant", content: answer.content, refusal: null, annotations: [] };
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: answer.finishReason, logprobs: null }],
        ...(fault.noUsage ? {} : { usage }),
      });
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    // With include_usage, OpenAI sends `"usage": null` on every chunk but the last.
    const usageField = body.stream_options?.include_usage ? { usage: null } : {};
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...usageField })}\n\n`;
    // Waits for the client to take more when the socket is full: a slow
    // reader slows this writer, as with a real provider.
    const send = async (text: string) => {
      streamed += text.length;
      if (!res.write(text)) await drainOrClose(res);
    };
    // A text answer opens with a role chunk that carries no content, then
    // content pieces; a tool-call answer carries the role in its first call's
    // chunk. The pieces are what the chunk-counting faults count.
    let deltas: object[];
    if (answer.kind === "tool_calls") {
      deltas = toolCallDeltas(answer.toolCalls, toolArgumentChunkChars);
    } else {
      await send(chunk({ role: "assistant", content: "", refusal: null }, null));
      // Filler answers go in 4 KiB pieces: splitting megabytes into words would
      // cost the fake more than the stream costs tierd.
      const pieces = fault.contentBytes !== undefined ? slices(answer.content, 4096) : splitIntoChunks(answer.content, wordsPerChunk);
      deltas = pieces.map((content) => ({ content }));
    }
    const firstToken = fault.delayFirstTokenMs ?? options.firstTokenMs;
    if (firstToken) await sleep(firstToken);
    if (fault.malformedJson) await send("data: {not json\n\n");
    for (let i = 0; i < deltas.length; i++) {
      if (fault.cutAfterChunks !== undefined && i >= fault.cutAfterChunks) return cut(res);
      if (fault.stallAfterChunks !== undefined && i >= fault.stallAfterChunks) return; // the client's timeout closes it
      if (res.destroyed) return;
      if (options.chunkDelayMs && i > 0) await sleep(options.chunkDelayMs);
      await send(chunk(deltas[i]!, null));
    }
    if (res.destroyed) return;
    if (fault.cutAfterChunks !== undefined && deltas.length <= fault.cutAfterChunks) return cut(res);
    if (fault.noDone) return void res.end();
    res.write(chunk({}, answer.finishReason));
    if (body.stream_options?.include_usage && !fault.noUsage) {
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    requestCount: () => count,
    openSockets: () => sockets.size,
    openRequests: () => inFlight,
    streamedBytes: () => streamed,
    inject(rule) {
      rules.push({ model: rule.model, times: rule.times ?? 1, fault: rule.fault });
    },
    reset() {
      rules.length = 0;
      requests.length = 0;
      count = 0;
      streamed = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}

/**
 * The fault of the first directive in the last user message that applies to
 * `model`: one without a "model" field, or one naming exactly this model.
 */
function directiveOf(messages: { role: string; content: string }[], model: string): Fault {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    for (const match of m.content.matchAll(DIRECTIVES)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(match[1]!);
      } catch {
        continue;
      }
      if (typeof parsed !== "object" || parsed === null) continue;
      const { model: only, ...fault } = parsed as Fault & { model?: unknown };
      if (only === undefined || only === model) return fault;
    }
    return {};
  }
  return {};
}

/** A message as the log keeps it: text for every message, and the structured parts when there were any. */
function recordedMessageOf(m: unknown): RecordedMessage {
  if (!isRecord(m)) return { role: "", content: "" };
  const out: RecordedMessage = { role: String(m.role), content: textOf(m.content) };
  if (Array.isArray(m.content)) out.parts = m.content as ContentPart[];
  if (Array.isArray(m.tool_calls)) out.toolCalls = m.tool_calls as ToolCall[];
  if (typeof m.tool_call_id === "string") out.toolCallId = m.tool_call_id;
  if (typeof m.name === "string") out.name = m.name;
  return out;
}

function splitIntoChunks(text: string, wordsPerChunk: number): string[] {
  const words = text.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) out.push(words.slice(i, i + wordsPerChunk).join(""));
  return out;
}

function slices(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function errorTypeOf(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Drops the connection after what was written so far reaches the client.
 * Node corks a response's first writes until the next tick; destroying
 * before that would lose the headers and look like a refused connection.
 */
async function cut(res: ServerResponse): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  res.destroy();
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
