// The Dockerfile as deploy/image-steps.mjs reads it (its --plan, which runs
// nothing; CI's "image steps" step replays the plan for real): the runtime
// stage runs the compiled dist/ as a non-root user under tini, with a
// /healthz HEALTHCHECK, and the replay refuses what it could not prove
// instead of skipping it.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

interface Step {
  instruction: string;
  action: "run" | "substituted" | "recorded";
  run?: { command: string };
  copy?: { from?: string; sources: string[]; dest: string };
}
interface Stage {
  name: string;
  user: string;
  expose: number[];
  entrypoint: string[];
  cmd: string[];
  healthcheck?: { command: string[]; timeoutMs: number };
  steps: Step[];
}

async function planOf(context = "."): Promise<{ stages: Stage[] }> {
  const { stdout } = await run(process.execPath, ["deploy/image-steps.mjs", "--plan", "--context", context]);
  return JSON.parse(stdout) as { stages: Stage[] };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The plan's error for a Dockerfile of a scratch context. */
async function refusal(dockerfile: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tierd-dockerfile-"));
  dirs.push(dir);
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  const failed = await planOf(dir).then(
    () => undefined,
    (err: unknown) => err as { code: number; stderr: string },
  );
  expect(failed?.code).toBe(1);
  return failed!.stderr;
}

describe("the Dockerfile, as deploy/image-steps.mjs replays it", () => {
  it("builds with the dev dependencies, then prunes them, and the runtime stage runs no step of its own but installing tini", async () => {
    const [build, runtime] = (await planOf()).stages;
    const commands = build!.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.command]));
    const buildAt = commands.findIndex((c) => c.includes("npm run build"));
    expect(buildAt).toBeGreaterThanOrEqual(0);
    expect(commands.findIndex((c) => /npm prune --omit=dev/.test(c))).toBeGreaterThanOrEqual(buildAt);
    expect(commands.some((c) => /npm ci\b/.test(c))).toBe(true);
    const runtimeRuns = runtime!.steps.filter((s) => s.instruction.startsWith("RUN"));
    expect(runtimeRuns.map((s) => s.action)).toEqual(["substituted"]);
    expect(runtimeRuns[0]!.instruction).toMatch(/apt-get install .*\btini\b/);
  });

  it("copies into the runtime what the compiled service reads, dist/ after the sources so bin/tierd.js finds it fresh", async () => {
    const runtime = (await planOf()).stages.at(-1)!;
    const copied = runtime.steps.flatMap((s) => (s.copy?.from === "build" ? s.copy.sources.map((src) => src.replace(/^\/app\//, "")) : []));
    expect(copied).toEqual(expect.arrayContaining(["package.json", "node_modules", "bin", "dist", "src", "gen", "tsconfig.json", "tsconfig.build.json", "models", "data/few-shot.jsonl"]));
    const last = (path: string) => copied.lastIndexOf(path);
    for (const source of ["src", "gen", "tsconfig.json", "tsconfig.build.json"]) expect(last("dist"), `dist/ after ${source}`).toBeGreaterThan(last(source));
  });

  it("runs `tierd serve` as the unprivileged node user under tini, and checks /healthz on TIERD_PORT", async () => {
    const runtime = (await planOf()).stages.at(-1)!;
    expect(runtime.user).toBe("node");
    expect(runtime.entrypoint).toEqual(["/usr/bin/tini", "--", "node", "/app/bin/tierd.js"]);
    expect(runtime.cmd).toEqual(["serve"]);
    expect(runtime.expose).toEqual([50051]);
    expect(runtime.healthcheck?.command.slice(0, 2)).toEqual(["node", "-e"]);
    expect(runtime.healthcheck?.command[2]).toContain("/healthz");
    expect(runtime.healthcheck?.command[2]).toContain("process.env.TIERD_PORT || 50051");
  });

  it("refuses what it cannot replay faithfully: an unknown instruction, a RUN on an absolute path, a root runtime", async () => {
    expect(await refusal("FROM node:20\nONBUILD RUN true\nUSER node\nCMD [\"x\"]\n")).toContain("ONBUILD is unknown to deploy/image-steps.mjs");
    expect(await refusal("FROM node:20\nRUN rm -rf /var/cache\nUSER node\nCMD [\"x\"]\n")).toContain("RUN names an absolute path");
    expect(await refusal("FROM node:20\nRUN apt-get install -y tini && npm ci\nUSER node\nCMD [\"x\"]\n")).toContain("mixes apt-get with");
    expect(await refusal('FROM node:20\nCMD ["x"]\n')).toContain("the runtime stage runs as root");
  });
});
