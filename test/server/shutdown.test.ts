import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { Role, RouterService, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { spawnTierd, writeTempConfig, type TierdProcess } from "../helpers/process.js";
import { baseConfigYaml } from "../helpers/tierd.js";

describe("graceful shutdown", () => {
  let fake: FakeUpstream | undefined;
  let proc: TierdProcess | undefined;
  afterEach(async () => {
    proc?.child.kill("SIGKILL");
    await fake?.close();
  });

  async function start(graceMs: number, chunkDelayMs: number) {
    fake = await startFakeUpstream({ chunkDelayMs, wordsPerChunk: 2 });
    const yaml = baseConfigYaml(fake.url).replace("shutdown_grace_ms: 2000", `shutdown_grace_ms: ${graceMs}`).replace("level: silent", "level: info");
    proc = await spawnTierd(["--config", writeTempConfig(yaml), "--port", "0"]);
    return createClient(RouterService, createGrpcTransport({ baseUrl: proc.url }));
  }

  const request = { messages: [{ role: Role.USER, content: "tell me a story about shutdown" }], tierOverride: Tier.NANO };

  it("lets a stream in flight finish after SIGTERM, then exits 0", async () => {
    const client = await start(5_000, 60);
    const cases: string[] = [];
    const startedAt = Date.now();
    for await (const msg of client.streamCompletion(request)) {
      cases.push(msg.event.case ?? "none");
      if (cases.filter((c) => c === "delta").length === 1) proc!.child.kill("SIGTERM");
    }
    expect(cases[0]).toBe("decision");
    expect(cases[cases.length - 1]).toBe("summary");
    expect(cases.filter((c) => c === "delta").length).toBeGreaterThan(5);
    expect(await proc!.exited).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(proc!.stderr()).toContain("tierd stopped");
  });

  it("cancels a stream that outlives the grace period with an error, not a clean end", async () => {
    const client = await start(300, 200);
    const cases: string[] = [];
    const err = await (async () => {
      for await (const msg of client.streamCompletion(request)) {
        cases.push(msg.event.case ?? "none");
        if (cases.length === 2) proc!.child.kill("SIGTERM");
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    // The server's fault, and retryable: UNAVAILABLE, never CANCELED (which says the caller gave up).
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(cases).not.toContain("summary");
    expect(await proc!.exited).toBe(0);
  });
  it("answers a unary call cut by the grace period with UNAVAILABLE, naming the shutdown", async () => {
    const client = await start(300, 0);
    const call = client.route({ messages: [{ role: Role.USER, content: 'wait [[fake:{"hang":true}]]' }], tierOverride: Tier.NANO }).catch((e: unknown) => e);
    // Once the upstream has the request (it hangs), tierd is told to stop.
    while (fake!.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    proc!.child.kill("SIGTERM");
    const err = await call;
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect((err as ConnectError).rawMessage).toMatch(/shutting down/);
    expect(await proc!.exited).toBe(0);
  });
});
