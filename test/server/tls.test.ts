// TLS on the listening port: gRPC over HTTP/2 (ALPN h2) and Connect JSON over
// HTTP/1.1 with a certificate the test makes, a cleartext client refused, a
// certificate swapped in for new connections, and mutual TLS.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role, RouterService } from "../../gen/tierd/v1/router_pb.js";
import { startTierd, type Tierd } from "../../src/app.js";
import { silentLogger } from "../../src/core/log.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const dir = mkdtempSync(join(tmpdir(), "tierd-tls-"));

/** A self-signed certificate for 127.0.0.1 (its own CA), as PEM files in `dir`. */
function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", `/CN=${name}`, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { cert, key };
}

const messages = [{ role: Role.USER, content: "Is 7 a prime number?" }];
const classifyOver = (url: string, ca: string, extra: https.RequestOptions = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(`${url}/tierd.v1.RouterService/Classify`, { method: "POST", ca, headers: { "content-type": "application/json" }, agent: false, ...extra }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }] }));
  });

describe("TLS", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const first = selfSigned("first");
  const live = { cert: join(dir, "live.crt"), key: join(dir, "live.key") };
  const read = (p: string) => execFileSync("cat", [p]).toString();
  beforeAll(async () => {
    writeFileSync(live.cert, read(first.cert));
    writeFileSync(live.key, read(first.key));
    fake = await startFakeUpstream({ record: false });
    const yaml = baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", `shutdown_grace_ms: 200\n  tls: { cert_file: ${live.cert}, key_file: ${live.key} }`);
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(200);
    await fake?.close();
  });

  it("serves gRPC over HTTP/2 and Connect JSON over HTTP/1.1", async () => {
    expect(tierd.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = read(first.cert);
    const client = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url, nodeOptions: { ca } }));
    expect((await client.classify({ messages })).decision).toBeDefined();
    const h1 = await classifyOver(tierd.url, ca);
    expect(h1.status).toBe(200);
    expect(JSON.parse(h1.body)).toHaveProperty("decision");
  });

  it("answers buf curl over TLS (gRPC, with server reflection)", async () => {
    // Asynchronous: tierd runs in this process and must answer meanwhile.
    const { stdout } = await promisify(execFile)(
      "node_modules/.bin/buf",
      ["curl", "--cacert", live.cert, "--protocol", "grpc", "-d", JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Is 7 a prime number?" }] }), `${tierd.url}/tierd.v1.RouterService/Classify`],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toHaveProperty("decision.tier", "TIER_NANO");
  });

  it("refuses a client that does not trust the certificate, and one that speaks cleartext", async () => {
    await expect(classifyOver(tierd.url, read(selfSigned("stranger").cert))).rejects.toThrow(/self-signed|certificate/i);
    const plain = createClient(RouterService, createGrpcTransport({ baseUrl: tierd.url.replace("https:", "http:") }));
    await expect(plain.classify({ messages })).rejects.toThrow();
  });

  it("serves a reloaded certificate to new connections", async () => {
    const second = selfSigned("second");
    writeFileSync(live.cert, read(second.cert));
    writeFileSync(live.key, read(second.key));
    expect(tierd.reloadTls()).toBe(true);
    expect((await classifyOver(tierd.url, read(second.cert))).status).toBe(200);
    await expect(classifyOver(tierd.url, read(first.cert))).rejects.toThrow();
  });
});

describe("mutual TLS", () => {
  let fake: FakeUpstream;
  let tierd: Tierd;
  const server = selfSigned("mtls-server");
  const caller = selfSigned("caller");
  const read = (p: string) => execFileSync("cat", [p]).toString();
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    const tlsBlock = `tls: { cert_file: ${server.cert}, key_file: ${server.key}, client_ca_file: ${caller.cert} }`;
    const yaml = baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", `shutdown_grace_ms: 200\n  ${tlsBlock}`);
    tierd = await startTierd({ configText: yaml, configSource: "t.yaml", env: {}, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await tierd?.close(200);
    await fake?.close();
  });

  it("serves a caller with a certificate the client CA signed, and refuses one without", async () => {
    const ca = read(server.cert);
    expect((await classifyOver(tierd.url, ca, { cert: read(caller.cert), key: read(caller.key) })).status).toBe(200);
    await expect(classifyOver(tierd.url, ca)).rejects.toThrow();
    const stranger = selfSigned("stranger-caller");
    await expect(classifyOver(tierd.url, ca, { cert: read(stranger.cert), key: read(stranger.key) })).rejects.toThrow();
  });
});
