// A caller deadline beyond what a timer can hold (grpc-timeout: 99999999H is
// about 11,400 years) is refused as InvalidArgument like any deadline over
// server.max_timeout_ms, and leaves no TimeoutOverflowWarning in the log.
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { clampTimeoutHeaders } from "../../src/server/timeout-headers.js";
import { spawnTierd, writeTempConfig, type TierdProcess } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";

/** One request; resolves with the status and message wherever the protocol puts them. */
function call(url: string, headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<{ status: string; text: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const req = session.request({ ":method": "POST", ":path": "/tierd.v1.RouterService/Classify", ...headers });
    let status = "";
    let text = "";
    req.on("response", (h) => (status = String(h["grpc-status"] ?? h[":status"])));
    req.on("trailers", (h) => (status = `grpc ${h["grpc-status"]} ${decodeURIComponent(String(h["grpc-message"] ?? ""))}`));
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      session.close();
      resolve({ status, text });
    });
    req.end(body);
  });
}

describe("deadlines too large for a timer", () => {
  let fake: FakeUpstream;
  let tierd: TierdProcess;
  beforeAll(async () => {
    fake = await startFakeUpstream({ record: false });
    tierd = await spawnTierd(["--config", writeTempConfig(baseConfigYaml(fake.url).replace("level: silent", "level: info")), "--port", "0"]);
  });
  afterAll(async () => {
    tierd?.child.kill("SIGKILL");
    await fake?.close();
  });

  it("are InvalidArgument over gRPC and Connect, without a TimeoutOverflowWarning", async () => {
    const grpc = await call(tierd.url, { "content-type": "application/grpc", te: "trailers", "grpc-timeout": "99999999H" }, Buffer.from([0, 0, 0, 0, 0]));
    expect(grpc.status).toMatch(/^grpc 3 timeout \d+ms must be <= \d+$/);
    const connect = await call(
      tierd.url,
      { "content-type": "application/json", "connect-protocol-version": "1", "connect-timeout-ms": "99999999999" },
      Buffer.from(JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }] })),
    );
    expect(JSON.parse(connect.text)).toMatchObject({ code: "invalid_argument" });
    // A well-formed deadline under the limit still works.
    const ok = await call(tierd.url, { "content-type": "application/json", "connect-protocol-version": "1", "connect-timeout-ms": "5000" }, Buffer.from(JSON.stringify({ messages: [{ role: "ROLE_USER", content: "hi" }] })));
    expect(JSON.parse(ok.text)).toHaveProperty("decision");
    expect(tierd.stderr()).not.toContain("TimeoutOverflowWarning");
  });

  it("lowers only headers over the limit", () => {
    const headers = { "grpc-timeout": "99999999H", "connect-timeout-ms": "700000" };
    clampTimeoutHeaders(headers, 600_000);
    expect(headers).toEqual({ "grpc-timeout": "600001m", "connect-timeout-ms": "600001" });
    const fine = { "grpc-timeout": "30S", "connect-timeout-ms": "1000" };
    clampTimeoutHeaders(fine, 600_000);
    expect(fine).toEqual({ "grpc-timeout": "30S", "connect-timeout-ms": "1000" });
  });
});
