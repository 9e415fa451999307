// `npm start` stopped the way a process manager stops it: SIGTERM to npm's
// pid alone (a terminal's Ctrl-C instead signals the whole process group).
// npm forwards the signal to its child, which used to be `sh -c`: the shell
// died and tierd lived on, orphaned, still holding the port. The script now
// execs node, so npm's child is tierd itself and it drains and exits.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

const children: ChildProcess[] = [];

afterEach(() => {
  // npm runs in a process group of its own (detached): whatever it left
  // behind, an orphaned tierd included, goes with the group.
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // ESRCH: the group is gone already.
    }
  }
});

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("npm start", () => {
  it("stops tierd when npm alone gets SIGTERM: npm exits 0 and nothing listens on the port any more", { timeout: 60_000 }, async () => {
    // The embedded config in demo mode, on a free loopback port.
    const { TIERD_CONFIG: _config, TIERD_BASE_URL: _upstream, ...env } = process.env;
    const npm = spawn("npm", ["start", "--silent"], {
      detached: true,
      env: { ...env, TIERD_PORT: "0", TIERD_HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(npm);
    let output = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once("exit", (code, signal) => resolve({ code, signal })));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not listen within 40 s:\n${output}`)), 40_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"msg":"tierd listening","url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      npm.stdout!.on("data", onData);
      npm.stderr!.on("data", onData);
      void exited.then(({ code }) => reject(new Error(`npm start exited with ${code} before listening:\n${output}`)));
    });
    expect(await refusesConnections(port)).toBe(false);

    process.kill(npm.pid!, "SIGTERM");
    expect({ ...(await exited), output }).toEqual({ code: 0, signal: null, output: expect.stringContaining("tierd stopped") });
    expect(output).toContain('"msg":"tierd stopped"');
    expect(await refusesConnections(port)).toBe(true);
  });
});
