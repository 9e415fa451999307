// One TCP port for every protocol: HTTP/2 cleartext (gRPC, and Connect or
// gRPC-Web from HTTP/2 clients) and HTTP/1.1 (Connect JSON from plain curl,
// gRPC-Web from browsers). The first bytes of a connection decide: the
// HTTP/2 client preface starts with "PRI * HTTP/2.0".
import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "../core/log.js";

/**
 * After the grace period, how long cut calls get to send their final status
 * (UNAVAILABLE, "shutting down") before their connections are destroyed. A
 * destroyed stream reads as a reset, which clients report as CANCELED; on a
 * loaded machine the aborted handlers can need a few hundred ms to run.
 */
const ABORT_SETTLE_MS = 2_000;

export interface HttpServerOptions {
  host: string;
  port: number;
  handler: NodeHandlerFn;
  log: Logger;
  /** A connection with no call in flight that sends nothing for this long is closed. Default 60 s. */
  idleTimeoutMs?: number;
  /** A request's headers and body must arrive within this long. Default 30 s. */
  readTimeoutMs?: number;
  /** TLS on the port: ALPN picks HTTP/2 or HTTP/1.1. Absent: cleartext, sniffed. */
  tls?: TlsFiles;
  /** HTTP/2 streams per connection at once. Default 1000. */
  maxStreamsPerConnection?: number;
  /** Open connections per client address; beyond it a new one is closed at once. Default 512. */
  maxConnectionsPerClient?: number;
}

/** PEM contents (not paths): the caller reads the files, so a reload can re-read them. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** Callers must present a certificate this CA signed. */
  clientCa?: Buffer;
}

export interface RunningHttpServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight calls finish for up to
   * `graceMs`, then calls `onGraceExpired` and closes what is left.
   */
  close(graceMs: number, onGraceExpired?: () => void): Promise<void>;
  /** Open client connections, for tests and shutdown logs. */
  connectionCount(): number;
  /** New certificate and key for connections from now on (SIGHUP); open ones keep theirs. */
  setTls(files: TlsFiles): void;
}

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");

export async function listenHttp(options: HttpServerOptions): Promise<RunningHttpServer> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const readTimeoutMs = options.readTimeoutMs ?? 30_000;
  const maxStreams = options.maxStreamsPerConnection ?? 1_000;
  const maxConnectionsPerClient = options.maxConnectionsPerClient ?? 512;
  const handler = withReadTimeout(options.handler, readTimeoutMs);
  const h2 = http2.createServer({ maxSessionMemory: 64, settings: { maxConcurrentStreams: maxStreams } }, handler);
  // Node checks headersTimeout and requestTimeout on this interval: a
  // coarser one would let a stalled client hold its connection longer.
  const h1 = http.createServer({ keepAlive: true, connectionsCheckingInterval: Math.max(50, Math.min(readTimeoutMs / 4, 30_000)) }, handler);
  h1.keepAliveTimeout = Math.min(5_000, idleTimeoutMs);
  h1.headersTimeout = readTimeoutMs;
  h1.requestTimeout = readTimeoutMs;
  // node:http enforces those two from a timer it starts when the server
  // listens; this one never listens (the TCP server above hands it sockets),
  // so it is told it does.
  h1.emit("listening");
  const sockets = new Set<net.Socket>();
  const tlsOptionsOf = (files: TlsFiles) => ({ cert: files.cert, key: files.key, ...(files.clientCa === undefined ? {} : { ca: files.clientCa }) });
  // With TLS, one node:http2 secure server takes both protocols (ALPN h2,
  // and HTTP/1.1 through allowHTTP1), as Node intends.
  const h2s =
    options.tls === undefined
      ? undefined
      : http2.createSecureServer(
          {
            ...tlsOptionsOf(options.tls),
            allowHTTP1: true,
            handshakeTimeout: readTimeoutMs,
            maxSessionMemory: 64,
            settings: { maxConcurrentStreams: maxStreams },
            ...(options.tls.clientCa === undefined ? {} : { requestCert: true, rejectUnauthorized: true }),
          },
          handler,
        );
  if (h2s !== undefined) {
    // node:http's limits for the HTTP/1.1 side of allowHTTP1 (set at run
    // time by node:http2; @types/node does not declare them).
    Object.assign(h2s, { headersTimeout: readTimeoutMs, requestTimeout: readTimeoutMs });
    h2s.on("session", trackSession);
    h2s.on("sessionError", () => undefined);
    h2s.on("tlsClientError", () => undefined);
    h2s.emit("listening");
  }
  const sessions = new Set<http2.ServerHttp2Session>();
  function trackSession(session: http2.ServerHttp2Session) {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => undefined);
    // Idle means no frames and no call in flight: a call waiting on a slow
    // upstream sends nothing for a while, and its deadline bounds it.
    let open = 0;
    session.on("stream", (stream) => {
      open++;
      stream.once("close", () => open--);
    });
    session.setTimeout(idleTimeoutMs, () => {
      if (open === 0) session.destroy();
    });
  }
  h2.on("session", trackSession);
  h2.on("sessionError", () => undefined);

  // Nagle off, as node:http and node:http2 do for the servers they own: a
  // gRPC answer is several small writes (headers, data, trailers), and with
  // Nagle on each waits for the client's delayed ACK.
  const perClient = new Map<string, number>();
  let refusedSinceLog = 0;
  let lastRefusalLog = -Infinity;
  const tcp = net.createServer({ noDelay: true, keepAlive: true }, (socket) => {
    const client = socket.remoteAddress ?? "";
    const held = perClient.get(client) ?? 0;
    if (held >= maxConnectionsPerClient) {
      refusedSinceLog++;
      const now = Date.now();
      if (now - lastRefusalLog >= 10_000) {
        options.log.warn("connection refused: the client address holds server.max_connections_per_client connections already", { client, limit: maxConnectionsPerClient, refused: refusedSinceLog });
        lastRefusalLog = now;
        refusedSinceLog = 0;
      }
      socket.on("error", () => undefined);
      socket.destroy();
      return;
    }
    perClient.set(client, held + 1);
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      const left = (perClient.get(client) ?? 1) - 1;
      if (left <= 0) perClient.delete(client);
      else perClient.set(client, left);
    });
    // Errors after hand-over are the HTTP servers' to handle; this listener
    // only keeps a reset during sniffing from crashing the process.
    socket.on("error", () => undefined);
    if (h2s !== undefined) {
      // TLS: the handshake (bounded by handshakeTimeout) and ALPN pick
      // HTTP/2 or HTTP/1.1; idleness after it is the sessions' business.
      h2s.emit("connection", socket);
      return;
    }
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(first);
      if (first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)))) {
        // http2 reads data already buffered on the socket when the session
        // starts (nodejs/node#34532), so the unshifted preface is not lost.
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });
  tcp.on("error", (err) => options.log.error("listener error", { error: err.message }));

  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  const address = tcp.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const scheme = options.tls === undefined ? "http" : "https";

  return {
    host: address.address,
    port: address.port,
    url: `${scheme}://${hostForUrl}:${address.port}`,
    connectionCount: () => sockets.size,
    setTls(files) {
      if (h2s === undefined) throw new Error("setTls: this server was started without TLS");
      h2s.setSecureContext(tlsOptionsOf(files));
    },
    async close(graceMs, onGraceExpired) {
      tcp.close();
      // Stops node:http's timeout checks (its "not running" error is expected: it never listened).
      h1.close(() => undefined);
      // GOAWAY: clients open no new streams here, running streams go on.
      for (const session of sessions) session.close();
      h1.closeIdleConnections();
      const drained = new Promise<void>((resolve) => {
        const check = () => {
          h1.closeIdleConnections();
          if (sockets.size === 0) resolve();
          else setTimeout(check, 25).unref();
        };
        check();
      });
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<"expired">((resolve) => {
        timer = setTimeout(() => resolve("expired"), graceMs);
      });
      const outcome = await Promise.race([drained, expired]);
      clearTimeout(timer);
      if (outcome === "expired") {
        onGraceExpired?.();
        // Give aborted handlers a moment to send their final status.
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, ABORT_SETTLE_MS))]);
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }
    },
  };
}

/**
 * Resets a request whose headers and body have not all arrived `timeoutMs`
 * after it started (a client that stalls half-way through its body), and
 * leaves alone one that is being answered.
 */
function withReadTimeout(handler: NodeHandlerFn, timeoutMs: number): NodeHandlerFn {
  return (req, res) => {
    // HTTP/2: reset that stream only (the connection's other calls go on);
    // HTTP/1.1: the connection is the request.
    const reset = () => ("stream" in req ? req.stream.close(http2.constants.NGHTTP2_CANCEL) : req.socket.destroy());
    const timer = setTimeout(reset, timeoutMs);
    const done = () => clearTimeout(timer);
    req.once("end", done);
    res.once("close", done);
    return handler(req, res);
  };
}
