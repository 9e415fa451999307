// Corrections take effect: a misroute fed back through SubmitFeedback and
// trained in with `npm run train -- --from-ledger` changes that prompt's
// decision once the model is reloaded (ReloadClassifier or SIGHUP), with no
// restart; a reload never disturbs a request in flight, and a bad file is
// refused while the old model keeps serving.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService, FeedbackVerdict } from "../../gen/tierd/v1/admin_pb.js";
import { RouterService, Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { BUILTIN_MODEL_URL, memoryKey } from "../../src/classifier/index.js";
import { repoPath } from "../../src/classifier/corpus.js";
import { startFakeUpstream, type FakeUpstream } from "../../src/demo/fake-upstream.js";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { spawnTierd, writeTempConfig } from "../helpers/process.js";

const run = promisify(execFile);
const ask = (content: string) => [{ role: Role.USER, content }];
/** The shipped model sends this to nano; the team says it needs frontier. */
const MISROUTED = "Is 7 a prime number?";

/** The shipped model's file with one prompt remembered as `tier`: a retrained model, without the training time. */
function modelRemembering(prompt: string, tier: "nano" | "mid" | "frontier"): string {
  const file = JSON.parse(readFileSync(fileURLToPath(BUILTIN_MODEL_URL), "utf8"));
  file.memory = [[memoryKey(prompt), tier]];
  return JSON.stringify(file);
}

async function codeOf(call: Promise<unknown>): Promise<[Code, string]> {
  const err = ConnectError.from(await call.then(() => new Error("no error"), (e: unknown) => e));
  return [err.code, err.rawMessage];
}

describe("corrections and reloads", () => {
  let dir: string;
  let modelPath: string;
  let ledger: string;
  let t: TestTierd;
  let admin: Client<typeof AdminService>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tierd-corrections-"));
    modelPath = join(dir, "model.json");
    ledger = `sqlite:${join(dir, "ledger.db")}`;
    copyFileSync(fileURLToPath(BUILTIN_MODEL_URL), modelPath);
    const yaml = baseConfigYaml("{{FAKE}}").replace('database_url: "sqlite::memory:"', `database_url: "${ledger}"\n  store_prompts: true`) + `classifier:\n  model: ${modelPath}\n`;
    // The upstream takes 600 ms, so a Route is still in flight when the model changes under it.
    t = await startTestTierd({ yaml, fake: { latencyMs: 600 } });
    admin = createClient(AdminService, createGrpcTransport({ baseUrl: t.tierd.url }));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a reloaded model serves the next request while an in-flight one completes on the old model", async () => {
    expect((await t.grpc.classify({ messages: ask(MISROUTED) })).decision!.tier).toBe(Tier.NANO);
    const before = t.fake.requestCount();
    const inFlight = t.grpc.route({ messages: ask(MISROUTED), requestId: "in-flight-1" });
    // The Route has been decided once its upstream call arrives at the (slow) fake.
    while (t.fake.requestCount() === before) await new Promise((resolve) => setTimeout(resolve, 5));
    writeFileSync(modelPath, modelRemembering(MISROUTED, "mid"));
    const reloaded = await admin.reloadClassifier({});
    expect(reloaded).toMatchObject({ model: modelPath, rememberedPrompts: 0 });
    const next = await t.grpc.classify({ messages: ask(MISROUTED) });
    expect(next.decision!.tier).toBe(Tier.MID);
    expect(next.decision!.trace[0]!.detail).toContain("a prompt the model remembers");
    const done = await inFlight;
    expect(done.decision!.tier).toBe(Tier.NANO);
    expect(done.tier).toBe(Tier.NANO);
  });

  it("refuses a bad model file with FAILED_PRECONDITION and keeps the old model serving", async () => {
    writeFileSync(modelPath, modelRemembering(MISROUTED, "mid"));
    await admin.reloadClassifier({});
    writeFileSync(modelPath, "{ not a model");
    const [code, message] = await codeOf(admin.reloadClassifier({}));
    expect(code).toBe(Code.FailedPrecondition);
    expect(message).toMatch(/classifier not reloaded, the previous model keeps serving: .*classifier.model: .*not JSON/s);
    expect((await t.grpc.classify({ messages: ask(MISROUTED) })).decision!.tier).toBe(Tier.MID);
    copyFileSync(fileURLToPath(BUILTIN_MODEL_URL), modelPath);
    await admin.reloadClassifier({});
    expect((await t.grpc.classify({ messages: ask(MISROUTED) })).decision!.tier).toBe(Tier.NANO);
  });

  it("a misroute fed back through SubmitFeedback changes its decision after npm run train -- --from-ledger and a reload", async () => {
    const served = await t.grpc.route({ messages: ask(MISROUTED), requestId: "misrouted-1" });
    expect(served.decision!.tier).toBe(Tier.NANO);
    await admin.submitFeedback({ requestId: "misrouted-1", verdict: FeedbackVerdict.MISROUTED, expectedTier: Tier.FRONTIER, comment: "needs the proof" });
    await t.tierd.usage!.ledger.flush(5_000);
    const { stderr } = await run(process.execPath, ["--import", "tsx", "scripts/train.ts", "--from-ledger", "--database-url", ledger, "--out", modelPath], {
      cwd: repoPath(""),
      env: { ...process.env, TIERD_CONFIG: undefined },
      timeout: 120_000,
    });
    expect(stderr).toMatch(/ledger labels: labels, tier head, 1 of 1 rows \(all\), mass \d+, remembered/);
    expect(stderr).toContain("remembers 1 prompts");
    const reloaded = await admin.reloadClassifier({});
    expect(reloaded.rememberedPrompts).toBe(1);
    const after = await t.grpc.classify({ messages: ask(MISROUTED) });
    expect(after.decision!.tier).toBe(Tier.FRONTIER);
    // The same prompt resent with other spacing and case is the same prompt.
    expect((await t.grpc.classify({ messages: ask("  is 7 a PRIME number? ") })).decision!.tier).toBe(Tier.FRONTIER);
    // Retraining is deterministic: the same ledger gives the same file.
    const again = join(dir, "again.json");
    await run(process.execPath, ["--import", "tsx", "scripts/train.ts", "--from-ledger", "--database-url", ledger, "--out", again], { cwd: repoPath(""), timeout: 120_000 });
    expect(readFileSync(again, "utf8")).toBe(readFileSync(modelPath, "utf8"));
  }, 240_000);
});

describe("SIGHUP", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("reloads the model in a running tierd, and a bad file leaves the old one serving", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tierd-sighup-"));
    const modelPath = join(dir, "model.json");
    copyFileSync(fileURLToPath(BUILTIN_MODEL_URL), modelPath);
    const config = writeTempConfig(baseConfigYaml(fake.url).replace("level: silent", "level: info") + `classifier:\n  model: ${modelPath}\n`);
    const p = await spawnTierd(["--config", config, "--port", "0"]);
    try {
      const client = createClient(RouterService, createConnectTransport({ baseUrl: p.url, httpVersion: "1.1" }));
      const tierNow = async () => (await client.classify({ messages: ask(MISROUTED) })).decision!.tier;
      expect(await tierNow()).toBe(Tier.NANO);
      writeFileSync(modelPath, modelRemembering(MISROUTED, "frontier"));
      p.child.kill("SIGHUP");
      const until = Date.now() + 10_000;
      while ((await tierNow()) !== Tier.FRONTIER && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await tierNow()).toBe(Tier.FRONTIER);
      writeFileSync(modelPath, "garbage");
      p.child.kill("SIGHUP");
      const logged = Date.now() + 10_000;
      while (!p.stderr().includes("configuration not reloaded") && Date.now() < logged) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(p.stderr()).toContain("SIGHUP: configuration not reloaded, the running one keeps serving");
      expect(p.stderr()).toMatch(/classifier\.model/);
      expect(await tierNow()).toBe(Tier.FRONTIER);
    } finally {
      p.child.kill("SIGTERM");
      await p.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
