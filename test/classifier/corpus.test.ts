import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_CORPUS, EVAL_ONLY, isEvalOnly, repoPath } from "../../src/classifier/corpus.js";

const run = promisify(execFile);

describe("the developers' corpus", () => {
  it("keeps the evaluation-only sets out of training, however the path is written", () => {
    expect(EVAL_ONLY.length).toBeGreaterThan(0);
    for (const f of DEFAULT_CORPUS) expect(isEvalOnly(f.path)).toBe(false);
    expect(isEvalOnly(repoPath("data/probe/../probe/saas-probe.jsonl"))).toBe(true);
    expect(isEvalOnly(repoPath("data/saas/prompts.jsonl"))).toBe(false);
  });

  it("npm run train refuses an evaluation-only set as --data", async () => {
    const err = await run(process.execPath, ["--import", "tsx", "scripts/train.ts", "--data", "data/probe/saas-probe.jsonl", "--out", "/dev/null"], { cwd: repoPath("") }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("data/probe/saas-probe.jsonl is an evaluation-only set");
  });
});
