import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { TierdError } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/log.js";
import { toConnectError } from "../../src/server/errors.js";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("errors at the edge", () => {
  it("answers a stream the caller already closed as CANCELED, without an error line", () => {
    const log = recorder();
    const gone = Object.assign(new Error("The stream has been destroyed"), { code: "ERR_HTTP2_INVALID_STREAM" });
    expect(toConnectError(gone, log).code).toBe(Code.Canceled);
    expect(log.lines.filter((l) => l.startsWith("error"))).toEqual([]);
  });

  it("still reports anything else unexpected as INTERNAL, logged, without its details", () => {
    const log = recorder();
    const err = toConnectError(new Error("secret detail"), log);
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).not.toContain("secret detail");
    expect(log.lines).toEqual(["error unexpected error"]);
    expect(toConnectError(new TierdError("already_exists", "x"), log).code).toBe(Code.AlreadyExists);
  });
});
