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
    expect([Code.Unavailable, Code.Canceled, Code.Aborted]).toContain((err as ConnectError).code);
    expect(cases).not.toContain("summary");
    expect(await proc!.exited).toBe(0);
  });
});
