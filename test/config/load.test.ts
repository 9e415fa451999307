import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/index.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const run = promisify(execFile);
const base = baseConfigYaml("http://127.0.0.1:9/v1");

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("config loader", () => {
  it("loads the embedded default with TIERD_BASE_URL and fills every default", () => {
    const config = loadConfig({ env: { TIERD_BASE_URL: "http://127.0.0.1:1234/v1", TIERD_API_KEY: "k" } });
    expect(config.server).toMatchObject({ host: "127.0.0.1", port: 50051 });
    expect(config.tiers.nano.deployments).toEqual(["gpt-4o-mini"]);
    expect(config.deployments["gpt-4o-mini"]).toMatchObject({ model: "openai/gpt-4o-mini", api_key: "k", timeout_ms: 60_000 });
    expect(config.deployments["claude-sonnet-4-6"]?.model).toBe("anthropic/claude-sonnet-4-6");
    expect(config.deployments["claude-opus-4-7"]?.model).toBe("anthropic/claude-opus-4-7");
    expect(config.default_tier).toBe("mid");
  });

  it("names an unknown field", () => {
    const problems = problemsOf(() => parseConfig(base.replace("shutdown_grace_ms: 2000", "shutdown_grace_ms: 2000\n  prot: 1"), "bad.yaml", {}));
    expect(problems.join("\n")).toMatch(/server: unknown field "prot"/);
  });

  it("names a field of the wrong type with what was expected", () => {
    const yaml = base.replace("api_key: test-key-mid", "api_key: test-key-mid\n    timeout_ms: soon");
    expect(problemsOf(() => parseConfig(yaml, "bad.yaml", {}))).toContain('deployments.mid-1.timeout_ms: expected number, got "soon"');
  });

  it("names a field whose environment variable is missing", () => {
    const yaml = base.replace("api_key: test-key-nano", "api_key: ${OPENAI_KEY_THAT_IS_NOT_SET}");
    expect(problemsOf(() => parseConfig(yaml, "bad.yaml", {}))).toEqual([
      "deployments.nano-1.api_key: environment variable OPENAI_KEY_THAT_IS_NOT_SET is not set",
    ]);
  });

  it("interpolates ${VAR} and ${VAR:-default}, typing whole-value numbers", () => {
    const yaml = base.replace("shutdown_grace_ms: 2000", "port: ${PORT}\n  host: ${HOST:-127.0.0.2}");
    const config = parseConfig(yaml.replace("api_key: test-key-nano", "api_key: pre-${KEY}-post"), "ok.yaml", { PORT: "6000", KEY: "abc" });
    expect(config.server.port).toBe(6000);
    expect(config.server.host).toBe("127.0.0.2");
    expect(config.deployments["nano-1"]?.api_key).toBe("pre-abc-post");
  });

  it("refuses a tier that names an undefined deployment", () => {
    const yaml = base.replace("mid: { deployments: [mid-1] }", "mid: { deployments: [mid-2] }");
    expect(problemsOf(() => parseConfig(yaml, "bad.yaml", {})).join("\n")).toMatch(/tiers\.mid\.deployments\[0\]: unknown deployment "mid-2"/);
  });

  it("refuses nano as the default tier", () => {
    expect(problemsOf(() => parseConfig(base + "\ndefault_tier: nano\n", "bad.yaml", {})).join("\n")).toMatch(/default_tier: expected one of "mid", "frontier"/);
  });

  it("names the file in the error message", () => {
    expect(() => parseConfig("mode: [", "my-config.yaml", {})).toThrow(/my-config\.yaml/);
    expect(() => loadConfig({ path: "/nonexistent/tierd.yaml", env: {} })).toThrow(/nonexistent\/tierd\.yaml.*cannot read/s);
  });

  it("stops start-up with a non-zero exit and a message naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tierd-config-"));
    const file = join(dir, "tierd.yaml");
    writeFileSync(file, base + "\nmode: turbo\n");
    const err = (await run("node", ["bin/tierd.js", "serve", "--config", file, "--port", "0"], { timeout: 15_000 })
      .catch((e: unknown) => e)
      .finally(() => rmSync(dir, { recursive: true, force: true }))) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain(file);
    expect(err.stderr).toContain('mode: expected one of "enforce", "shadow", "rules-only", got "turbo"');
  });

  it("refuses to start when a deployment's model has no price", async () => {
    const { createPriceTable } = await import("../../src/pricing/index.js");
    const config = parseConfig(base.replace("model: openai/gpt-4o-mini", "model: acme/unpriced-9000"), "bad.yaml", {});
    expect(() => createPriceTable(config, "bad.yaml")).toThrow(/deployments\.nano-1\.model: no price for model "acme\/unpriced-9000"/);
    const priced = parseConfig(
      base.replace("model: openai/gpt-4o-mini", "model: acme/unpriced-9000") + "\npricing:\n  acme/unpriced-9000: { input: 0.2, output: 0.8 }\n",
      "ok.yaml",
      {},
    );
    expect(createPriceTable(priced).priceOf("acme/unpriced-9000").input).toBe(200_000n);
  });
});

describe("policy and classifier config", () => {
  it("fills routing defaults", () => {
    const config = parseConfig(base, "ok.yaml", {});
    expect(config.policy).toEqual({ rules: [], large_input_tokens: 4000, large_input_min_tier: "mid", override_plans: ["*"] });
    expect(config.classifier).toMatchObject({ model: "builtin", nano_below: 0.3, frontier_above: 0.65, llm: { enabled: false, timeout_ms: 400, style: "few-shot" } });
  });

  it("names a rule that both fixes and bounds the tier, and crossed thresholds", () => {
    const yaml =
      base +
      "policy:\n  rules:\n    - name: r\n      when: { plan: free }\n      tier: nano\n      max_tier: nano\n    - name: s\n      when: {}\n      tier: mid\nclassifier:\n  nano_below: 0.8\n  frontier_above: 0.5\n";
    const problems = problemsOf(() => parseConfig(yaml, "bad.yaml", {}));
    expect(problems).toContain("policy.rules[0]: a rule sets either tier, or min_tier and/or max_tier");
    expect(problems).toContain("policy.rules[1].when: a rule needs at least one condition (endpoint, plan, input_tokens_above, has_tools or has_images)");
  });

  it("names crossed thresholds and an inverted rule", () => {
    const yaml = base + "policy:\n  rules:\n    - name: r\n      when: { plan: free }\n      min_tier: frontier\n      max_tier: nano\nclassifier:\n  nano_below: 0.8\n  frontier_above: 0.5\n";
    expect(problemsOf(() => parseConfig(yaml, "bad.yaml", {}))).toEqual([
      "classifier.nano_below: must not exceed classifier.frontier_above (0.8 > 0.5)",
      "policy.rules[0].min_tier: frontier is above max_tier nano",
    ]);
  });

  it("refuses to start with a classifier model file that does not exist", async () => {
    const { startTierd } = await import("../../src/app.js");
    const { silentLogger } = await import("../../src/core/log.js");
    await expect(
      startTierd({ configText: base + "classifier:\n  model: /nonexistent/model.json\n", configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }),
    ).rejects.toThrow(/invalid configuration in t.yaml:\n  - classifier.model: cannot read classifier model \/nonexistent\/model.json/);
  });
});
