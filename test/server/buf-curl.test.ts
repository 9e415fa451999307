// The debugging path people use: the buf CLI from node_modules against a
// running tierd, with the local protos (--schema) and with reflection.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

const run = promisify(execFile);
const BUF = resolve("node_modules/.bin/buf");
const body = JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Extract the year from: born in 1987" }] });

async function bufCurl(args: string[]): Promise<string> {
  const { stdout } = await run(BUF, ["curl", "--http2-prior-knowledge", "--protocol", "grpc", ...args], { timeout: 15_000 });
  return stdout;
}

describe("buf curl", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t.close();
  });

  for (const mode of ["reflection", "schema"] as const) {
    const schema = mode === "schema" ? ["--schema", "proto"] : [];
    describe(`with ${mode}`, () => {
      it("calls Classify", async () => {
        const out = JSON.parse(await bufCurl([...schema, "-d", body, `${t.tierd.url}/tierd.v1.RouterService/Classify`]));
        expect(out.decision.tier).toMatch(/^TIER_(NANO|MID|FRONTIER)$/);
        expect(out.decision.trace.length).toBeGreaterThan(0);
      });

      it("calls Route", async () => {
        const out = JSON.parse(await bufCurl([...schema, "-d", body, `${t.tierd.url}/tierd.v1.RouterService/Route`]));
        expect(out.content).toContain("Simulated answer");
        expect(out.attempts[0].outcome).toBe("ATTEMPT_OUTCOME_SUCCESS");
        expect(BigInt(out.costPicoUsd)).toBeGreaterThan(0n);
      });

      it("calls StreamCompletion", async () => {
        const out = await bufCurl([...schema, "-d", body, `${t.tierd.url}/tierd.v1.RouterService/StreamCompletion`]);
        // buf curl prints one JSON document per streamed message.
        const messages = out
          .split(/\n(?=\{)/)
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => JSON.parse(s));
        expect(Object.keys(messages[0])).toEqual(["decision"]);
        expect(Object.keys(messages[messages.length - 1])).toEqual(["summary"]);
        expect(messages.filter((m) => "delta" in m).length).toBeGreaterThan(0);
      });

      it("checks health: SERVING", async () => {
        const out = JSON.parse(await bufCurl([...schema, `${t.tierd.url}/grpc.health.v1.Health/Check`]));
        expect(out.status).toBe("SERVING");
      });
    });
  }

  it("lists services through reflection", async () => {
    const { stdout } = await run(BUF, ["curl", "--http2-prior-knowledge", "--list-methods", t.tierd.url], { timeout: 15_000 });
    expect(stdout).toContain("tierd.v1.RouterService/Route");
    expect(stdout).toContain("tierd.v1.RouterService/StreamCompletion");
    expect(stdout).toContain("grpc.health.v1.Health/Check");
  });
});
