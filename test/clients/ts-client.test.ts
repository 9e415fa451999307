// @tierd/client from its sources: every protocol against a real tierd, and
// deadlines, API key and retries against a scripted RouterService whose
// failures the test controls.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTierdClient,
  isRetryable,
  retryAfterMs,
  Role,
  Tier,
  validateTierdClientOptions,
  type TierdClientOptions,
  type TierdProtocol,
} from "../../clients/ts/src/index.js";
import { ClassifyResponseSchema, RouteResponseSchema, RouterService } from "../../gen/tierd/v1/router_pb.js";
import { silentLogger } from "../../src/core/log.js";
import { listenHttp, type RunningHttpServer } from "../../src/server/http-server.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const question = [{ role: Role.USER, content: "Is 7 a prime number?" }];
const slow = [{ role: Role.USER, content: 'slow [[fake:{"delayHeadersMs":5000}]]' }];

async function failureOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("createTierdClient against tierd", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t.close();
  });

  const variants: { protocol: TierdProtocol; httpVersion?: "1.1" | "2"; useJson?: boolean }[] = [
    { protocol: "grpc" },
    { protocol: "connect" },
    { protocol: "connect", httpVersion: "1.1", useJson: true },
    { protocol: "grpc-web" },
    { protocol: "grpc-web", httpVersion: "1.1" },
  ];
  for (const variant of variants) {
    describe(`over ${JSON.stringify(variant)}`, () => {
      const client = () => createTierdClient({ baseUrl: t.tierd.url, ...variant });

      it("calls Classify, Route and StreamCompletion", async () => {
        const c = client();
        const decided = await c.classify({ messages: question, requestId: "ts-client-1" });
        expect(decided.requestId).toBe("ts-client-1");
        expect([Tier.NANO, Tier.MID, Tier.FRONTIER]).toContain(decided.decision?.tier);

        const routed = await c.route({ messages: question, tierOverride: Tier.NANO });
        expect(routed.content).toContain("Simulated answer from openai/gpt-4o-mini");
        expect(routed.costPicoUsd).toBeGreaterThan(0n);

        const kinds: string[] = [];
        let text = "";
        for await (const msg of c.streamCompletion({ messages: question, tierOverride: Tier.NANO })) {
          kinds.push(msg.event.case ?? "none");
          if (msg.event.case === "delta") text += msg.event.value.content;
        }
        expect(kinds[0]).toBe("decision");
        expect(kinds.at(-1)).toBe("summary");
        expect(text).toContain('stand-in reply about "Is 7 a prime number?"');
      });

      it("turns the client's timeoutMs into a deadline the call honours", async () => {
        const started = Date.now();
        const err = await failureOf(createTierdClient({ baseUrl: t.tierd.url, ...variant, timeoutMs: 400 }).route({ messages: slow }));
        expect(err.code).toBe(Code.DeadlineExceeded);
        expect(Date.now() - started).toBeLessThan(3_000);
      });
    });
  }

  it("lets a call's own timeoutMs override the client's default", async () => {
    const c = createTierdClient({ baseUrl: t.tierd.url, protocol: "grpc", timeoutMs: 60_000 });
    const started = Date.now();
    const err = await failureOf(c.route({ messages: slow }, { timeoutMs: 300 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reports a bad request as INVALID_ARGUMENT, not retryable", async () => {
    const err = await failureOf(createTierdClient({ baseUrl: t.tierd.url, protocol: "connect" }).route({ messages: [] }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain("messages");
    expect(isRetryable(err)).toBe(false);
  });
});

/** A RouterService that fails as scripted and records what each attempt saw. */
interface Scripted {
  server: RunningHttpServer;
  /** Errors to throw, in order, before answering normally. */
  failWith: ConnectError[];
  seen: { method: string; authorization: string | null; timeoutMs: number | undefined; requestId?: string }[];
}

async function startScriptedRouter(): Promise<Scripted> {
  const scripted = { failWith: [] as ConnectError[], seen: [] as Scripted["seen"] };
  const attempt = (method: string, ctx: HandlerContext, requestId?: string) => {
    scripted.seen.push({ method, authorization: ctx.requestHeader.get("authorization"), timeoutMs: ctx.timeoutMs(), ...(requestId ? { requestId } : {}) });
    const failure = scripted.failWith.shift();
    if (failure) throw failure;
  };
  const routes = (r: ConnectRouter) =>
    r.service(RouterService, {
      classify(_req, ctx) {
        attempt("classify", ctx);
        return create(ClassifyResponseSchema, { requestId: "scripted" });
      },
      route(req, ctx) {
        attempt("route", ctx, req.requestId);
        return create(RouteResponseSchema, { content: "scripted answer", requestId: "scripted" });
      },
      async *streamCompletion(_req, ctx) {
        attempt("streamCompletion", ctx);
        yield { event: { case: "delta", value: { content: "scripted" } } };
      },
    });
  const server = await listenHttp({ host: "127.0.0.1", port: 0, handler: connectNodeAdapter({ routes }), log: silentLogger });
  return Object.assign(scripted, { server });
}

describe("createTierdClient: API key and retries", () => {
  let s: Scripted;
  beforeAll(async () => {
    s = await startScriptedRouter();
  });
  afterAll(async () => {
    await s.server.close(0);
  });
  const fresh = () => {
    s.failWith.length = 0;
    s.seen.length = 0;
  };
  const unavailable = () => new ConnectError("all upstreams down", Code.Unavailable);
  const options = (extra: Partial<TierdClientOptions> = {}): TierdClientOptions => ({
    baseUrl: s.server.url,
    protocol: "grpc",
    retry: { initialBackoffMs: 10, maxBackoffMs: 20 },
    ...extra,
  });

  it("sends the API key as a bearer token, out of sight of the caller's interceptors", async () => {
    fresh();
    const seenByInterceptor: (string | null)[] = [];
    const spy: Interceptor = (next) => async (req) => {
      const res = await next(req);
      seenByInterceptor.push(req.header.get("authorization"));
      return res;
    };
    for (const protocol of ["grpc", "connect", "grpc-web"] as const) {
      await createTierdClient(options({ protocol, apiKey: "tk-secret-1", interceptors: [spy] })).route({ messages: question });
    }
    expect(s.seen.map((x) => x.authorization)).toEqual(["Bearer tk-secret-1", "Bearer tk-secret-1", "Bearer tk-secret-1"]);
    expect(seenByInterceptor).toEqual([null, null, null]);
  });

  it("retries Classify on UNAVAILABLE and succeeds", async () => {
    fresh();
    s.failWith.push(unavailable(), unavailable());
    const res = await createTierdClient(options()).classify({ messages: question });
    expect(res.requestId).toBe("scripted");
    expect(s.seen.map((x) => x.method)).toEqual(["classify", "classify", "classify"]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    fresh();
    s.failWith.push(unavailable(), unavailable(), unavailable());
    const err = await failureOf(createTierdClient(options({ retry: { maxAttempts: 2, initialBackoffMs: 10 } })).classify({ messages: question }));
    expect(err.code).toBe(Code.Unavailable);
    expect(s.seen).toHaveLength(2);
  });

  it("retries a Route that carries a request_id (the server replays it), with the same id", async () => {
    fresh();
    s.failWith.push(unavailable());
    const res = await createTierdClient(options()).route({ messages: question, requestId: "order-42-summary" });
    expect(res.requestId).toBe("scripted");
    expect(s.seen.map((x) => x.method)).toEqual(["route", "route"]);
    expect(s.seen.map((x) => x.requestId)).toEqual(["order-42-summary", "order-42-summary"]);
  });

  it("never retries Route without a request_id, or StreamCompletion, on its own", async () => {
    fresh();
    s.failWith.push(unavailable());
    const routeErr = await failureOf(createTierdClient(options()).route({ messages: question }));
    expect(routeErr.code).toBe(Code.Unavailable);
    expect(isRetryable(routeErr)).toBe(true);
    s.failWith.push(unavailable());
    const streamErr = await failureOf(
      (async () => {
        for await (const _ of createTierdClient(options()).streamCompletion({ messages: question })) void _;
      })(),
    );
    expect(streamErr.code).toBe(Code.Unavailable);
    expect(s.seen.map((x) => x.method)).toEqual(["route", "streamCompletion"]);
  });

  it("does not retry codes that waiting cannot fix", async () => {
    fresh();
    s.failWith.push(new ConnectError("bad", Code.InvalidArgument), new ConnectError("quota", Code.ResourceExhausted));
    expect((await failureOf(createTierdClient(options()).classify({ messages: question }))).code).toBe(Code.InvalidArgument);
    expect((await failureOf(createTierdClient(options()).classify({ messages: question }))).code).toBe(Code.ResourceExhausted);
    expect(s.seen).toHaveLength(2);
  });

  it("retries RESOURCE_EXHAUSTED after the server's retry-after hint", async () => {
    fresh();
    const limited = new ConnectError("rate limited", Code.ResourceExhausted, new Headers({ "retry-after": "1" }));
    expect(retryAfterMs(limited)).toBe(1_000);
    s.failWith.push(limited);
    const started = Date.now();
    await createTierdClient(options()).classify({ messages: question });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.seen).toHaveLength(2);
  });

  it("keeps every attempt inside the call's deadline and tells the server what is left", async () => {
    fresh();
    s.failWith.push(unavailable(), unavailable());
    await createTierdClient(options({ timeoutMs: 5_000, retry: { initialBackoffMs: 200, maxBackoffMs: 200 } })).classify({ messages: question });
    const budgets = s.seen.map((x) => x.timeoutMs!);
    expect(budgets).toHaveLength(3);
    expect(budgets[0]).toBeLessThanOrEqual(5_000);
    expect(budgets[2]).toBeLessThan(budgets[0]!);

    fresh();
    const later = new ConnectError("busy", Code.Unavailable, new Headers({ "retry-after": "5" }));
    s.failWith.push(later);
    const started = Date.now();
    const err = await failureOf(createTierdClient(options({ timeoutMs: 1_000 })).classify({ messages: question }));
    // The hint ends after the deadline: fail now rather than sleep past it.
    expect(err.code).toBe(Code.Unavailable);
    expect(Date.now() - started).toBeLessThan(900);
    expect(s.seen).toHaveLength(1);
  });

  it("can be told not to retry", async () => {
    fresh();
    s.failWith.push(unavailable());
    const err = await failureOf(createTierdClient(options({ retry: false })).classify({ messages: question }));
    expect(err.code).toBe(Code.Unavailable);
    expect(s.seen).toHaveLength(1);
  });
});

describe("validateTierdClientOptions", () => {
  const base: TierdClientOptions = { baseUrl: "http://127.0.0.1:50051", protocol: "grpc" };

  it("fills the defaults in one place", () => {
    const o = validateTierdClientOptions(base);
    expect(o).toMatchObject({ baseUrl: "http://127.0.0.1:50051", httpVersion: "2", timeoutMs: 120_000, useJson: false, interceptors: [] });
  });

  it.each([
    [{ baseUrl: "127.0.0.1:50051" }, /baseUrl must/],
    [{ baseUrl: "ftp://x" }, /http:\/\/ or https:\/\//],
    [{ protocol: "rest" as TierdProtocol }, /protocol must be one of grpc, connect, grpc-web/],
    [{ timeoutMs: -1 }, /timeoutMs/],
    [{ useJson: true }, /useJson needs/],
    [{ apiKey: "" }, /apiKey/],
  ])("rejects %j with a clear message", (extra, message) => {
    expect(() => validateTierdClientOptions({ ...base, ...extra })).toThrow(message);
  });

  it("never puts the API key into an error message", () => {
    expect(() => validateTierdClientOptions({ ...base, apiKey: "tk-secret\nx" })).toThrow(/single-line/);
    try {
      validateTierdClientOptions({ ...base, apiKey: "tk-secret\nx" });
    } catch (err) {
      expect(String(err)).not.toContain("tk-secret");
    }
  });

  it("rejects a retry policy that cannot work", () => {
    expect(() => createTierdClient({ ...base, retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
  });
});
