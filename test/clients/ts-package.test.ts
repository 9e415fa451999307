// @tierd/client as a caller gets it: docs/calling.md's install block packs the
// workspace (prepack builds ESM, CommonJS and declarations) and installs the
// tarball into a fresh project; that project's TypeScript is type-checked
// against the shipped declarations, compiled as ESM and as CommonJS, and run
// against a live tierd. Packing is slow-ish, so it happens once per run.
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";
import { CALLING_DOC, callingTierdBlocks, localize } from "./readme-blocks.js";

const run = promisify(execFile);
const REPO = resolve(".");
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout ?? 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}\n${e.message}` };
  }
}

function protoFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? protoFiles(join(dir, d.name), base) : d.name.endsWith(".proto") ? [relative(base, join(dir, d.name))] : [],
  );
}

describe("the packed @tierd/client in a fresh project", () => {
  let t: TestTierd;
  let service: string;
  let pkg: string;
  let compiled: Outcome;

  beforeAll(async () => {
    service = mkdtempSync(join(tmpdir(), "tierd-my-service-"));
    writeFileSync(join(service, "package.json"), JSON.stringify({ name: "my-service", private: true, type: "module" }, null, 2));
    const install = callingTierdBlocks().filter((b) => b.lang === "sh" && b.flags.has("install"));
    expect(install, `${CALLING_DOC} has exactly one \`sh install\` block`).toHaveLength(1);
    // Offline in practice: the peers come from the npm cache that `npm ci`
    // filled; only a cold cache would reach the registry.
    const env = { ...process.env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
    const installed = await exec("bash", ["-euo", "pipefail", "-c", localize(install[0]!.code, { url: "http://127.0.0.1:50051", serviceDir: service })], {
      cwd: REPO,
      env,
      timeout: 150_000,
    });
    if (installed.code !== 0) throw new Error(`the install block of ${CALLING_DOC} failed:\n${installed.stdout}\n${installed.stderr}`);
    pkg = join(service, "node_modules/@tierd/client");

    t = await startTestTierd();
    mkdirSync(join(service, "src"));
    const fixture = readFileSync("test/clients/fixtures/calls.ts", "utf8");
    writeFileSync(join(service, "src/calls.mts"), fixture);
    writeFileSync(join(service, "src/calls.cts"), fixture);
    writeFileSync(
      join(service, "src/quickstart.ts"),
      localize(readFileSync("clients/ts/examples/quickstart.ts", "utf8"), { url: t.tierd.url, serviceDir: service }),
    );
    writeFileSync(
      join(service, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          // A caller's usual setting; the package's own declarations are
          // still resolved and used, which is what this checks.
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(REPO, "node_modules/@types")],
          rootDir: "src",
          outDir: "build",
        },
        include: ["src"],
      }),
    );
    compiled = await exec(process.execPath, [TSC, "-p", "."], { cwd: service });
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    if (service) rmSync(service, { recursive: true, force: true });
  });

  it("installs a real copy from the tarball, with ESM, CommonJS, declarations and the protos", () => {
    expect(lstatSync(pkg).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(readFileSync(join(service, "package.json"), "utf8"));
    expect(manifest.dependencies["@tierd/client"]).toMatch(/^file:.*tierd-client-\d+\.\d+\.\d+\.tgz$/);
    for (const peer of ["@bufbuild/protobuf", "@connectrpc/connect", "@connectrpc/connect-node"]) expect(manifest.dependencies[peer]).toBeDefined();
    for (const file of ["dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "README.md", "LICENSE"]) {
      expect(existsSync(join(pkg, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(pkg, "dist/cjs/package.json"), "utf8")).type).toBe("commonjs");
    expect(existsSync(join(pkg, "src")), "sources stay out of the tarball").toBe(false);
  });

  it("carries every proto under proto/ and its generated code, with no list to keep", () => {
    const protos = protoFiles(join(REPO, "proto"));
    expect(protos).toContain("tierd/v1/router.proto");
    expect(protoFiles(join(pkg, "proto")).sort()).toEqual(protos.sort());
    for (const proto of protos) {
      const base = proto.replace(/\.proto$/, "_pb");
      for (const out of ["esm", "cjs"]) {
        for (const ext of [".js", ".d.ts"]) expect(existsSync(join(pkg, "dist", out, "gen", base + ext)), `${out}/${base}${ext}`).toBe(true);
      }
    }
  });

  it("type-checks a caller's ESM and CommonJS code and the docs' example (docs/calling.md) against the shipped declarations", () => {
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  });

  for (const [format, file] of [
    ["ESM", "build/calls.mjs"],
    ["CommonJS", "build/calls.cjs"],
  ] as const) {
    it(`${format}: calls Route and StreamCompletion over grpc and connect, and deadlines are honoured`, async () => {
      const out = await exec(process.execPath, [file], { cwd: service, env: { ...process.env, TIERD_URL: t.tierd.url } });
      expect(out.code, out.stderr).toBe(0);
      const report = JSON.parse(out.stdout);
      expect(report.moduleFormat).toBe(format === "ESM" ? "esm" : "commonjs");
      expect(report.schema).toBe("tierd.v1.RouteRequest");
      expect(report.health).toBe("SERVING");
      for (const protocol of ["grpc", "connect"]) {
        const r = report[protocol];
        expect(r.route.content).toContain("Simulated answer from openai/gpt-4o-mini");
        expect(r.route.requestId).toBe(`pkg-${protocol}`);
        expect(BigInt(r.route.costPicoUsd)).toBeGreaterThan(0n);
        expect(r.stream.first).toBe("decision");
        expect(r.stream.last).toBe("summary");
        expect(r.stream.deltas).toBeGreaterThan(1);
        expect(r.stream.text).toContain('stand-in reply about "Is 7 a prime number?"');
        // The upstream would take 5 s; the 500 ms deadline ends the call
        // well before (loose bound for a loaded CI machine).
        expect(r.routeDeadline.code).toBe("DeadlineExceeded");
        expect(r.routeDeadline.ms).toBeGreaterThanOrEqual(450);
        expect(r.routeDeadline.ms).toBeLessThan(3_000);
        expect(r.streamDeadline.code).toBe("DeadlineExceeded");
        expect(r.streamDeadline.ms).toBeLessThan(3_000);
        expect(r.badRequest).toBe("InvalidArgument");
      }
    });
  }

  it("runs the TypeScript example of docs/calling.md", async () => {
    const out = await exec(process.execPath, ["build/quickstart.js"], { cwd: service });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^would route to (NANO|MID|FRONTIER) - /m);
    expect(out.stdout).toContain("Simulated answer from");
    expect(out.stdout).toMatch(/\[\d+ tokens\]/);
    expect(out.stdout).toContain("InvalidArgument - messages: at least one message is required");
  });
});

