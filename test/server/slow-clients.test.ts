// Clients that stall are dropped: before their first byte, half-way through
// HTTP/1.1 headers or body, with an HTTP/2 preface and nothing after, or
// half-way through a gRPC request body. Real sockets against tierd with short
// read and idle timeouts; a call that waits on a slow upstream is not idle.
import http2 from "node:http2";
import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const IDLE_MS = 300;
const READ_MS = 300;

/** Opens a raw TCP connection, writes `bytes`, and resolves when the server closes it. */
function closedByServer(port: number, bytes: string | Buffer): Promise<"closed"> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      if (bytes.length > 0) socket.write(bytes);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve("closed"));
    socket.on("timeout", () => reject(new Error("never closed")));
    socket.resume();
  });
}

describe("slow and stalled clients", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const yaml = baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", `shutdown_grace_ms: 200\n  idle_timeout_ms: ${IDLE_MS}\n  read_timeout_ms: ${READ_MS}`);
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(200);
    await fake?.close();
  });

  it("closes a connection that sends nothing, or one byte", async () => {
    expect(await closedByServer(tierd.port, "")).toBe("closed");
    expect(await closedByServer(tierd.port, "P")).toBe("closed");
    expect(await closedByServer(tierd.port, "G")).toBe("closed");
  });

  it("closes a connection whose HTTP/1.1 headers or body stop half-way", async () => {
    expect(await closedByServer(tierd.port, "POST /tierd.v1.RouterService/Classify HTTP/1.1\r\nHost: x\r\n")).toBe("closed");
    const head = "POST /tierd.v1.RouterService/Classify HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
    expect(await closedByServer(tierd.port, `${head}{"messages":`)).toBe("closed");
  });

  it("closes an HTTP/2 session that sent its preface and nothing else", async () => {
    const session = http2.connect(tierd.url);
    session.on("error", () => undefined);
    await new Promise<void>((resolve) => session.on("close", () => resolve()));
    expect(session.destroyed).toBe(true);
  });

  it("resets a gRPC stream whose request body stops half-way, and keeps the connection's other calls", async () => {
    const session = http2.connect(tierd.url);
    session.on("error", () => undefined);
    const stalled = session.request({ ":method": "POST", ":path": "/tierd.v1.RouterService/Classify", "content-type": "application/grpc", te: "trailers", "grpc-timeout": "100S" });
    stalled.on("error", () => undefined);
    stalled.write(Buffer.from([0, 0, 0, 0, 40, 10])); // a frame header promising 40 bytes, then 1 byte
    const code = await new Promise<number>((resolve) => stalled.on("close", () => resolve(stalled.rstCode)));
    expect(code).toBe(http2.constants.NGHTTP2_CANCEL);
    // The same connection still serves a well-formed call.
    const ok = session.request({ ":method": "POST", ":path": "/tierd.v1.RouterService/Classify", "content-type": "application/json", "connect-protocol-version": "1" });
    let body = "";
    ok.on("data", (d: Buffer) => (body += d.toString()));
    ok.end(JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Is 7 prime?" }] }));
    await new Promise((resolve) => ok.on("end", resolve));
    expect(JSON.parse(body)).toHaveProperty("decision");
    session.close();
  });

  it("keeps a call that waits on a slow upstream longer than the idle timeout", async () => {
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
    const slow = `hello [[fake:{"delayHeadersMs":${IDLE_MS * 3}}]]`;
    const res = await client.route({ messages: [{ role: Role.USER, content: slow }], tierOverride: Tier.NANO });
    expect(res.content.length).toBeGreaterThan(0);
    // And over HTTP/1.1 (Connect JSON), where node:http's request timeout applies.
    const h1 = await fetch(`${tierd.url}/tierd.v1.RouterService/Route`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: slow }], tierOverride: "TIER_NANO" }),
    });
    expect(h1.status).toBe(200);
    expect(((await h1.json()) as { content: string }).content.length).toBeGreaterThan(0);
  });
});

describe("connection and stream caps", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const yaml = baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 200\n  max_connections_per_client: 4\n  max_streams_per_connection: 7");
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(200);
    await fake?.close();
  });

  it("announces server.max_streams_per_connection in its HTTP/2 settings", async () => {
    const session = http2.connect(tierd.url);
    try {
      const settings = await new Promise<http2.Settings>((resolve) => session.once("remoteSettings", resolve));
      expect(settings.maxConcurrentStreams).toBe(7);
    } finally {
      session.close();
    }
  });

  it("closes a client address's connections beyond server.max_connections_per_client, and takes new ones once some close", async () => {
    const open = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const s = net.connect(tierd.port, "127.0.0.1", () => resolve(s));
        s.on("error", () => undefined);
      });
    const held = await Promise.all(Array.from({ length: 4 }, open));
    const extra = await open();
    const closed = await new Promise<boolean>((resolve) => {
      extra.once("close", () => resolve(true));
      setTimeout(() => resolve(false), 5_000);
    });
    expect(closed).toBe(true);
    expect(held.every((s) => !s.destroyed)).toBe(true);
    held[0]!.destroy();
    // One slot is free again (once the server has seen the close): a real call goes through.
    const callWorks = async () => {
      const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url }));
      return client.classify({ messages: [{ role: Role.USER, content: "hi" }] }).then(
        (r) => r.decision !== undefined,
        () => false,
      );
    };
    await expect.poll(callWorks, { timeout: 5_000, interval: 100 }).toBe(true);
    for (const s of held) s.destroy();
  });

});
