// The ledger commands as a person runs them: `node bin/tierd.js report`
// and the exports, against a fixture ledger file.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/log.js";
import { openLedgerStore } from "../../src/usage/index.js";
import { recordFixture } from "../usage/fixtures.js";
import { reportFixture } from "../usage/report-fixture.js";

const run = promisify(execFile);

async function tierd(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/tierd.js", ...args], { env: { ...process.env, TIERD_CONFIG: undefined } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const micro = 1_000_000n;

describe("tierd report / export-fewshot / export-labels", () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tierd-cli-"));
    url = `sqlite:${join(dir, "ledger.db")}`;
    const store = await openLedgerStore({ databaseUrl: url, log: silentLogger });
    // The report fixture in micro-dollars instead of pico-dollars, so the table shows readable money.
    await store.insertRecords(
      reportFixture().map((r) => ({
        ...r,
        costPicoUsd: r.costPicoUsd * micro,
        costIfNanoPicoUsd: r.costIfNanoPicoUsd * micro,
        costIfMidPicoUsd: r.costIfMidPicoUsd * micro,
        costIfFrontierPicoUsd: r.costIfFrontierPicoUsd * micro,
        cacheSavedPicoUsd: r.cacheSavedPicoUsd * micro,
        classifierCostPicoUsd: r.classifierCostPicoUsd * micro,
      })),
    );
    const at = Date.UTC(2026, 0, 7);
    await store.insertRecords([
      recordFixture({ requestId: "r-sql", promptText: "Write a recursive CTE for the org chart", promptSha256: "1".repeat(64), tier: "nano", servedTier: "nano", startedAtMs: at }),
      recordFixture({ requestId: "r-yes", promptText: "Is 7 prime?", promptSha256: "2".repeat(64), tier: "mid", servedTier: "mid", startedAtMs: at }),
      recordFixture({ requestId: "r-ok", promptText: "Summarise: meeting at 3pm", promptSha256: "3".repeat(64), tier: "nano", servedTier: "nano", startedAtMs: at }),
      recordFixture({ requestId: "r-noprompt", promptText: null, promptSha256: "4".repeat(64), startedAtMs: at }),
    ]);
    const fb = (id: string, requestId: string, verdict: "misrouted" | "bad_answer" | "good", expectedTier: "nano" | "mid" | "frontier" | null, minute: number) =>
      store.insertFeedback({ id, requestId, verdict, expectedTier, comment: "", createdAtMs: Date.UTC(2026, 0, 8, 0, minute) });
    await fb("f1", "r-sql", "misrouted", "mid", 1);
    await fb("f2", "r-yes", "misrouted", "nano", 2);
    await fb("f3", "r-ok", "good", null, 3);
    await fb("f4", "r-noprompt", "misrouted", "frontier", 4);
    await fb("f5", "r-sql", "bad_answer", null, 5);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a readable report table with every figure", async () => {
    const { code, stdout } = await tierd(["report", "--database-url", url, "--since", "2026-01-01", "--until", "2026-01-06", "--max-frontier-share", "0.1"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    // The last line starting with `first`: endpoints appear in the cost audit and again under break-even.
    const row = (first: string) => lines.filter((l) => l.trim().startsWith(first + " ")).at(-1)?.trim().split(/\s{2,}/);
    expect(lines[0]).toBe("tierd usage report: 2026-01-01 00:00 UTC to 2026-01-06 00:00 UTC (all endpoints)");
    expect(stdout).toContain("Requests 19  errors 1 (5.3%)  cancelled 1  fallbacks 1  cache hits 1 (5.3%, saved $0.000100)  classify calls 2");
    expect(stdout).toContain("Cost $0.021800");
    expect(row("nano")).toEqual(["nano", "10", "52.6%", "$0.000800", "3.7%", "$0.000080", "10.0%", "100 ms", "700 ms", "0"]);
    expect(row("mid")).toEqual(["mid", "6", "31.6%", "$0.006000", "27.5%", "$0.001000", "0.0%", "350 ms", "500 ms", "1"]);
    expect(row("frontier")).toEqual(["frontier", "3", "15.8%", "$0.015000", "68.8%", "$0.005000", "0.0%", "2000 ms", "2000 ms", "0"]);
    // Break-even: a handful of answers is too little data for a verdict (the cache hit does not count).
    expect(row("/search")).toEqual(["/search", "5", "2", "10 ms", "90 ms", "290 ms", "-", "too little data"]);
    expect(row("/legal")).toEqual(["/legal", "4", "$0.016000", "73.4%", "0.0%", "25.0%", "75.0%"]);
    // ACTUAL: the answers ($0.021800) and the LLM classifier's call ($0.000040).
    expect(row("all-frontier")).toEqual(["all-frontier", "$0.043000", "$0.021840", "$0.021160", "49.2%"]);
    expect(row("all-mid")).toEqual(["all-mid", "$0.021500", "$0.021840", "-$0.000340", "-1.6%"]);
    expect(row("no-cache")).toEqual(["no-cache", "$0.021940", "$0.021840", "$0.000100", "0.5%"]);
    expect(stdout).toContain("ACTUAL includes the LLM classifier's calls: $0.000040 ($0.000047 with Classify calls)");
    expect(stdout).toContain("Response cache hits per tier: nano 1 (10.0%, saved $0.000100), mid 0 (0.0%, saved $0.000000), frontier 0 (0.0%, saved $0.000000)");
    expect(row("/chat")).toEqual(["/chat", "2", "1", "300 ms", "400 ms", "300 ms", "-", "too little data"]);
    expect(stdout).toContain("too little data: fewer than 20 such answers on a side");
    expect(stdout).toContain("Shadow mode: 2 requests; the router would have chosen nano 50.0%, mid 0.0%, frontier 50.0%");
    expect(stdout).toContain("acting on the decisions would save -$0.000100");
    expect(stdout).toContain("! frontier served 15.8% of requests, above the bound of 10.0%");
    expect(stdout).not.toContain("routing made /chat slower");
  });

  it("prints the GetUsageReport JSON with --format json, money as exact integer strings", async () => {
    const { code, stdout } = await tierd(["report", "--database-url", url, "--since", "2026-01-01", "--until", "2026-01-06", "--format", "json", "--endpoint", "/legal"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { endpoint: string; totals: { requests: string; costPicoUsd: string }; savings: { vsFrontierPicoUsd: string } };
    expect(json.endpoint).toBe("/legal");
    expect(json.totals.requests).toBe("4");
    expect(json.totals.costPicoUsd).toBe("16000000000");
    expect(json.savings.vsFrontierPicoUsd).toBe("1000000000");
  });

  it("--config reads only usage: the serve config's other variables need not be set, a bad usage field is named", async () => {
    const config = join(dir, "serve.yaml");
    writeFileSync(
      config,
      `deployments:\n  a: { model: openai/gpt-4o-mini, base_url: \"\${UPSTREAM_URL}\", api_key: \"\${UPSTREAM_KEY}\" }\ntiers:\n  nano: { deployments: [a] }\n  mid: { deployments: [a] }\n  frontier: { deployments: [a] }\nusage:\n  database_url: ${url}\n`,
    );
    const ok = await tierd(["report", "--config", config, "--since", "2026-01-01", "--until", "2026-01-06", "--format", "json", "--endpoint", "/legal"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { totals: { costPicoUsd: string } }).totals.costPicoUsd).toBe("16000000000");
    writeFileSync(config, `usage:\n  database_url: \${LEDGER_URL}\n  max_frontier_share: 2\n`);
    const bad = await tierd(["report", "--config", config]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("usage.database_url: environment variable LEDGER_URL is not set");
  });

  it("refuses bad arguments with exit 2 and a reason, and a missing ledger with exit 1", async () => {
    const bad = await tierd(["report", "--database-url", url, "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: expected a duration like 30m, 12h, 7d, 2w or a date like 2026-01-31, got "yesterday"');
    const missing = await tierd(["report", "--database-url", `sqlite:${join(dir, "nope.db")}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no ledger at");
  });

  it("exports the latest misrouted requests with stored prompts as few-shot JSONL", async () => {
    const { code, stdout, stderr } = await tierd(["export-fewshot", "--database-url", url]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      '{"prompt":"Is 7 prime?","tier":"nano"}\n' + '{"prompt":"Write a recursive CTE for the org chart","tier":"mid"}\n',
    );
    expect(stderr).toContain("wrote 2 examples to stdout; skipped 1 without a stored prompt (turn on usage.store_prompts)");
  });

  it("exports every feedback with a tier as training labels, newest feedback first, one per prompt", async () => {
    const out = join(dir, "labels.jsonl");
    const { code, stderr } = await tierd(["export-labels", "--database-url", url, "--out", out]);
    expect(code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(
      '{"prompt":"Summarise: meeting at 3pm","tier":"nano"}\n' +
        '{"prompt":"Is 7 prime?","tier":"nano"}\n' +
        '{"prompt":"Write a recursive CTE for the org chart","tier":"mid"}\n',
    );
    expect(stderr).toContain("wrote 3 examples");
    expect(stderr).toContain("1 without a tier");
    const noOut = await tierd(["export-labels", "--database-url", url]);
    expect(noOut.code).toBe(2);
  });
});
