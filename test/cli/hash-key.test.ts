import { describe, expect, it } from "vitest";
import { hashKeyCommand } from "../../src/cli/hash-key.js";

function io(stdin: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdin: async () => stdin, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe("tierd hash-key", () => {
  it("prints the SHA-256 of the key on stdin, ignoring one trailing newline", async () => {
    const a = io("abc\n");
    expect(await hashKeyCommand([], a.io)).toBe(0);
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(a.out.join("")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
  });

  it("refuses empty input and keys with spaces", async () => {
    for (const stdin of ["", "\n", "two words"]) {
      const b = io(stdin);
      expect(await hashKeyCommand([], b.io)).toBe(2);
      expect(b.err.join("")).toMatch(/expected one API key/);
    }
  });

  it("--new prints a fresh key once with its digest", async () => {
    const c = io("");
    expect(await hashKeyCommand(["--new"], c.io)).toBe(0);
    const [, key, digest] = /^key: +(tierd_[\w-]{43})\nsha256: ([0-9a-f]{64})\n$/.exec(c.out.join("")) ?? [];
    expect(key).toBeDefined();
    const d = io(key!);
    await hashKeyCommand([], d.io);
    expect(d.out.join("")).toBe(`${digest}\n`);
  });
});
