// Runs `tierd serve` as a child process, the way operators run it, and waits
// for its "listening" log line to learn the port.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TierdProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Config files written for this test process, removed when it exits. */
const tempDirs: string[] = [];
process.once("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export function writeTempConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tierd-test-"));
  tempDirs.push(dir);
  const file = join(dir, "tierd.yaml");
  writeFileSync(file, yaml);
  return file;
}

export async function spawnTierd(args: string[], env: Record<string, string> = {}): Promise<TierdProcess> {
  const child = spawn(process.execPath, ["bin/tierd.js", "serve", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tierd did not start:\n${err}`)), 15_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /"msg":"tierd listening","url":"([^"]+)"/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`tierd exited with ${code}:\n${err}`)));
  });
  return { child, url, stderr: () => err, exited };
}
