// The official `openai` Python package against tierd's HTTP API. CI sets
// TIERD_TEST_OPENAI_PYTHON to a Python that has it (.ci/run makes a venv);
// elsewhere the test runs when the machine's python3 can import openai and
// says why it skipped otherwise.
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfigYaml, startTestTierd, type TestTierd } from "../helpers/tierd.js";

const configured = process.env.TIERD_TEST_OPENAI_PYTHON;
const python = configured ?? "python3";
const available = configured !== undefined || spawnSync(python, ["-c", "import openai"], { stdio: "ignore" }).status === 0;
if (!available) console.warn("openai-python.test: skipped, python3 cannot import openai (pip install openai, or set TIERD_TEST_OPENAI_PYTHON)");

const script = fileURLToPath(new URL("./python/openai_check.py", import.meta.url));

describe.skipIf(!available)("the openai Python package against tierd", () => {
  let t: TestTierd;
  beforeAll(async () => {
    const yaml = baseConfigYaml("{{FAKE}}").replace(/(api_key: test-key-(nano|mid|frontier))/g, "$1\n    capabilities: [json, json_schema, tools, vision]");
    t = await startTestTierd({ yaml });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("create, stream, tools round trip, json_schema and a bad model", async () => {
    // Asynchronous: tierd runs in this process and must keep serving while Python waits.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(python, [script, `${t.tierd.url}/v1`, "unused"], { timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
    );
    const out = JSON.parse(stdout) as {
      plain: { content: string; finish: string; tier_header: string; total_tokens: number };
      stream: { text: string; finish: string; completion_tokens: number };
      tools: { finish: string; name: string; arguments: Record<string, unknown>; final: string };
      json_schema: Record<string, unknown>;
      bad_model: { type: string; status: number };
    };
    expect(out.plain.finish).toBe("stop");
    expect(out.plain.tier_header).toBe("nano");
    expect(out.plain.total_tokens).toBeGreaterThan(0);
    expect(out.stream.text.length).toBeGreaterThan(0);
    expect(out.stream.finish).toBe("stop");
    expect(out.stream.completion_tokens).toBeGreaterThan(0);
    expect(out.tools.finish).toBe("tool_calls");
    expect(out.tools.name).toBe("get_weather");
    expect(Object.keys(out.tools.arguments)).toEqual(["city"]);
    expect(out.tools.final).toContain("sunny");
    expect(Object.keys(out.json_schema)).toEqual(["label"]);
    expect(out.bad_model).toEqual({ type: "BadRequestError", status: 400 });
  });
});
