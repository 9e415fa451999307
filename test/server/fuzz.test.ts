// Fuzzing the edge: malformed protobuf and JSON, wrong content types,
// truncated and garbled HTTP/2 frames, oversized messages and bytes that are
// no protocol at all. Every request gets an error status (never a crash, a
// hang or INTERNAL), and after each batch the server still answers health
// checks and real calls. Inputs come from a seeded generator: a failure
// reproduces.
import http2 from "node:http2";
import net from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { Role, RouteRequestSchema, RouterService } from "../../gen/tierd/v1/router_pb.js";
import { authConfigYaml, clientsFor, testKey } from "../callers/keys.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const caller = testKey("tierd_test_fuzz_0123456789abcdef0123", "fuzzer");
const MAX_BYTES = 64 * 1024;

/** mulberry32: a small seeded PRNG (public domain, Tommy Ettinger). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OK_ERRORS = new Set([Code.InvalidArgument, Code.Unauthenticated, Code.ResourceExhausted, Code.Unimplemented, Code.Unavailable, Code.Canceled, Code.DeadlineExceeded, Code.PermissionDenied, Code.NotFound, Code.AlreadyExists]);

function envelope(payload: Uint8Array, flags = 0, claimedLength = payload.length): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(claimedLength, 1);
  return Buffer.concat([head, payload]);
}

interface H2Answer {
  status: number | undefined;
  grpcStatus: number | undefined;
  grpcMessage: string;
}

/**
 * One raw HTTP/2 request; resolves with what came back. It resolves on the
 * trailers too: a server that refused an oversized body has answered, even
 * while the client still holds unsent body bytes.
 */
function h2Request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<H2Answer> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", te: "trailers", ...headers });
    let status: number | undefined;
    let grpcStatus: number | undefined;
    let grpcMessage = "";
    const read = (h: http2.IncomingHttpHeaders) => {
      if (h["grpc-status"] !== undefined) grpcStatus = Number(h["grpc-status"]);
      if (h["grpc-message"] !== undefined) grpcMessage = decodeURIComponent(String(h["grpc-message"]));
    };
    const done = () => resolve({ status, grpcStatus, grpcMessage });
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      read(h);
      if (grpcStatus !== undefined) done();
    });
    stream.on("trailers", (t) => {
      read(t);
      done();
      stream.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.on("error", () => undefined);
    stream.on("close", done);
    stream.resume();
    stream.setTimeout(10_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.end(body);
  });
}

/** Raw bytes to the port; resolves when the server closes (or after `waitMs`). */
function rawTcp(port: number, chunks: Buffer[], waitMs = 300): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      for (const c of chunks) socket.write(c);
    });
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function frame(type: number, flags: number, streamId: number, payload: Buffer, claimed = payload.length): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(claimed, 0, 3);
  head.writeUInt8(type, 3);
  head.writeUInt8(flags, 4);
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

describe("fuzzing the server's edge", () => {
  let t: TestTierd;
  let port: number;
  const random = prng(20_260_509);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const valid = toBinary(RouteRequestSchema, create(RouteRequestSchema, { messages: [{ role: Role.USER, content: "hello there" }], endpoint: "/fuzz", requestId: "fuzz" }));

  beforeAll(async () => {
    t = await startTestTierd({ yaml: authConfigYaml("{{FAKE}}", [caller]).replace("shutdown_grace_ms: 2000", `shutdown_grace_ms: 2000\n  max_request_bytes: ${MAX_BYTES}`) });
    port = t.tierd.port;
  });
  afterAll(async () => {
    await t.close();
  });

  async function stillServing(): Promise<void> {
    const health = await clientsFor(Health, t.tierd.url).grpc.check({ service: "" });
    expect(health.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const res = await clientsFor(RouterService, t.tierd.url, caller.key).grpc.classify({ messages: [{ role: Role.USER, content: "still there?" }] });
    expect(res.decision).toBeDefined();
  }

  it("answers malformed protobuf over gRPC with an error status", async () => {
    const session = http2.connect(t.tierd.url);
    session.on("error", () => undefined);
    const answers: H2Answer[] = [];
    const headers = { ":path": "/tierd.v1.RouterService/Route", "content-type": "application/grpc", authorization: `Bearer ${caller.key}` };
    for (let i = 0; i < 120; i++) {
      let body: Buffer;
      switch (i % 6) {
        case 0:
          body = envelope(bytes(1 + Math.floor(random() * 200)));
          break;
        case 1: {
          // Bit flips in a valid message.
          const mutated = Buffer.from(valid);
          for (let f = 0; f < 3; f++) mutated[Math.floor(random() * mutated.length)]! ^= 1 << Math.floor(random() * 8);
          body = envelope(mutated);
          break;
        }
        case 2:
          body = envelope(valid.subarray(0, Math.floor(random() * valid.length)), 0, valid.length); // claims more than it sends
          break;
        case 3:
          body = envelope(valid, 1); // compressed flag without grpc-encoding
          break;
        case 4:
          body = bytes(Math.floor(random() * 5)); // not even an envelope header
          break;
        default:
          body = Buffer.concat([envelope(valid), envelope(valid)]); // two messages to a unary method
      }
      answers.push(await h2Request(session, headers, body));
    }
    session.close();
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.grpcStatus).toBeDefined();
      if (a.grpcStatus === 0) continue;
      // connect-es 2.1 answers bytes that are not protobuf, and a compressed
      // flag without grpc-encoding (as the gRPC compression spec asks), with
      // INTERNAL from its protocol layer, before any tierd code runs.
      if (a.grpcStatus === Code.Internal) expect(a.grpcMessage).toMatch(/^(parse binary|received compressed envelope)/);
      else expect(OK_ERRORS.has(a.grpcStatus!), `grpc-status ${a.grpcStatus}: ${a.grpcMessage}`).toBe(true);
    }
    // Most inputs are broken beyond repair; a few bit flips still decode (and are served).
    expect(answers.filter((a) => a.grpcStatus !== 0).length).toBeGreaterThan(100);
    await stillServing();
  });

  it("answers malformed JSON and wrong content types over HTTP/1.1 with 4xx", async () => {
    const url = `${t.tierd.url}/tierd.v1.RouterService/Route`;
    const good = JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hello" }] });
    const bodies = [
      "",
      "{",
      good.slice(0, Math.floor(good.length / 2)),
      '{"messages": "not a list"}',
      '{"messages": [{"role": 12.5, "content": []}]}',
      '{"params": {"maxOutputTokens": 1e309}}',
      '{"params": {"seed": "nine"}}',
      "[".repeat(5000) + "]".repeat(5000),
      '{"messages": [{"role": "ROLE_USER", "content": "\\ud800"}]}',
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString("latin1"),
      ...Array.from({ length: 20 }, () => bytes(Math.floor(random() * 100)).toString("latin1")),
    ];
    const statuses: number[] = [];
    for (const body of bodies) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${caller.key}` }, body });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    for (const contentType of ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""]) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${caller.key}` }, body: good });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    for (const s of statuses) {
      expect(s).toBeGreaterThanOrEqual(400);
      expect(s).toBeLessThan(500);
    }
    // gRPC's JSON codec with a body that is no envelope: its first bytes read as a huge length.
    const session = http2.connect(t.tierd.url);
    session.on("error", () => undefined);
    const grpcJson = await h2Request(session, { ":path": "/tierd.v1.RouterService/Route", "content-type": "application/grpc+json", authorization: `Bearer ${caller.key}` }, Buffer.from(good));
    session.close();
    expect(grpcJson.grpcStatus).toBe(Code.ResourceExhausted);
    await stillServing();
  });

  it("refuses oversized messages with ResourceExhausted before decoding them", async () => {
    const session = http2.connect(t.tierd.url);
    session.on("error", () => undefined);
    const big = toBinary(RouteRequestSchema, create(RouteRequestSchema, { messages: [{ role: Role.USER, content: "x".repeat(MAX_BYTES * 2) }] }));
    const answer = await h2Request(session, { ":path": "/tierd.v1.RouterService/Route", "content-type": "application/grpc", authorization: `Bearer ${caller.key}` }, envelope(big));
    expect(answer.grpcStatus).toBe(Code.ResourceExhausted);
    // A length prefix that claims 4 GiB is refused from the header alone.
    const claimed = await h2Request(session, { ":path": "/tierd.v1.RouterService/Route", "content-type": "application/grpc", authorization: `Bearer ${caller.key}` }, envelope(valid, 0, 0xffffffff));
    expect(claimed.grpcStatus).toBe(Code.ResourceExhausted);
    session.close();
    const res = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Route`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${caller.key}` },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "y".repeat(MAX_BYTES * 2) }] }),
    });
    expect(res.status).toBe(429);
    await res.arrayBuffer();
    await stillServing();
  });

  it("survives truncated and garbled HTTP/2 frames and bytes that are no protocol", async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const cases: Buffer[][] = [
      [PREFACE.subarray(0, 10)],
      [PREFACE],
      [PREFACE, frame(4, 0, 0, Buffer.alloc(6), 600).subarray(0, 12)], // SETTINGS claiming 600 bytes, 3 sent
      [PREFACE, settings, frame(1, 4, 1, bytes(20), 1000)], // HEADERS with a truncated, random header block
      [PREFACE, settings, frame(1, 5, 1, bytes(40))], // HEADERS that HPACK cannot decode
      [PREFACE, settings, frame(0, 0, 1, bytes(30))], // DATA on a stream never opened
      [PREFACE, settings, frame(1, 4, 2, Buffer.alloc(0))], // even (server-initiated) stream id from a client
      [PREFACE, settings, frame(7, 0, 0, bytes(3))], // GOAWAY too short
      [PREFACE, settings, bytes(500)],
      [bytes(64)],
      [Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\nabc")],
      [Buffer.from("POST /tierd.v1.RouterService/Route HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")],
    ];
    for (let round = 0; round < 3; round++) {
      await Promise.all(cases.map((chunks) => rawTcp(port, chunks)));
    }
    await stillServing();
  });
});
