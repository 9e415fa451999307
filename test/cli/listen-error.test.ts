// A port that is already taken ends start-up with a one-line reason and exit
// code 1, not a stack trace, and what start-up opened is closed again.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("tierd serve on a port in use", () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it("says which address and what to change, and exits 1", async () => {
    const child = spawn(process.execPath, ["bin/tierd.js", "serve", "--port", String(port)], { env: { ...process.env, TIERD_LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`server.port: cannot listen on 127.0.0.1:${port}: the address is already in use`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
