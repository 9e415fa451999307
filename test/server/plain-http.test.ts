import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendJson, withPlainRoutes, type PlainRoute } from "../../src/server/plain-http.js";

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(routes: PlainRoute[], errors: unknown[] = []): Promise<string> {
  const handler = withPlainRoutes(
    routes,
    (_req, res) => sendJson(res, 200, { rpc: true }),
    (err) => errors.push(err),
  );
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("plain HTTP routes beside the RPCs", () => {
  it("answers its exact paths, ignores the query, and passes every other path on", async () => {
    const url = await serve([{ path: "/healthz", methods: ["GET"], handle: (_req, res) => sendJson(res, 200, { ok: true }) }]);
    expect(await (await fetch(`${url}/healthz?verbose=1`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${url}/healthz/x`)).json()).toEqual({ rpc: true });
    expect(await (await fetch(`${url}/tierd.v1.RouterService/Route`, { method: "POST" })).json()).toEqual({ rpc: true });
  });

  it("refuses another method with 405 and Allow", async () => {
    const url = await serve([{ path: "/v1/models", methods: ["GET"], handle: (_req, res) => sendJson(res, 200, {}) }]);
    const res = await fetch(`${url}/v1/models`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("use GET");
  });

  it("turns a throwing or rejecting handler into a logged 500, never a hung request", async () => {
    const errors: unknown[] = [];
    const url = await serve(
      [
        { path: "/sync", methods: ["GET"], handle: () => { throw new Error("boom"); } },
        { path: "/async", methods: ["GET"], handle: async () => { throw new Error("later"); } },
      ],
      errors,
    );
    expect((await fetch(`${url}/sync`)).status).toBe(500);
    expect((await fetch(`${url}/async`)).status).toBe(500);
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom", "later"]);
  });

  it("refuses two routes on one path", () => {
    const r: PlainRoute = { path: "/a", methods: ["GET"], handle: () => undefined };
    expect(() => withPlainRoutes([r, r], () => undefined, () => undefined)).toThrow(/two plain HTTP routes/);
  });
});
