import { describe, expect, it } from "vitest";
import { createMemoryBackend, ENTRY_OVERHEAD_BYTES } from "../../src/cache/index.js";

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

const sizeOf = (key: string, value: string) => Buffer.byteLength(key) + Buffer.byteLength(value) + ENTRY_OVERHEAD_BYTES;

describe("memory cache backend", () => {
  it("returns what was stored, and misses for keys it does not hold", async () => {
    const cache = createMemoryBackend({ maxBytes: 10_000 });
    await cache.set("a", "alpha", 60_000);
    expect(await cache.getMany(["a", "b"])).toEqual(["alpha", undefined]);
  });

  it("evicts the least recently used entries to stay within its byte bound", async () => {
    const value = "x".repeat(100);
    const cache = createMemoryBackend({ maxBytes: 3 * sizeOf("k1", value) });
    await cache.set("k1", value, 60_000);
    await cache.set("k2", value, 60_000);
    await cache.set("k3", value, 60_000);
    // Reading k1 makes k2 the least recently used.
    await cache.getMany(["k1"]);
    await cache.set("k4", value, 60_000);
    expect(await cache.getMany(["k1", "k2", "k3", "k4"])).toEqual([value, undefined, value, value]);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * sizeOf("k1", value), evictions: 1 });
  });

  it("counts UTF-8 bytes, so multi-byte text fills the bound sooner", async () => {
    const ascii = "a".repeat(100);
    const greek = "α".repeat(100); // 2 bytes each in UTF-8
    const cache = createMemoryBackend({ maxBytes: sizeOf("k1", ascii) * 2 });
    await cache.set("k1", ascii, 60_000);
    await cache.set("k2", greek, 60_000);
    expect(await cache.getMany(["k1", "k2"])).toEqual([undefined, greek]);
  });

  it("never keeps an entry larger than the whole bound, and drops the old value of its key", async () => {
    const cache = createMemoryBackend({ maxBytes: 500 });
    await cache.set("k", "small", 60_000);
    await cache.set("k", "y".repeat(1_000), 60_000);
    expect(await cache.getMany(["k"])).toEqual([undefined]);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it("replacing a value adjusts the byte count rather than adding to it", async () => {
    const cache = createMemoryBackend({ maxBytes: 10_000 });
    await cache.set("k", "one", 60_000);
    await cache.set("k", "three", 60_000);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: sizeOf("k", "three") });
  });

  it("misses once an entry's TTL has passed, and frees its bytes", async () => {
    const { clock, advance } = manualClock();
    const cache = createMemoryBackend({ maxBytes: 10_000, clock });
    await cache.set("short", "s", 1_000);
    await cache.set("long", "l", 5_000);
    advance(1_000);
    expect(await cache.getMany(["short", "long"])).toEqual(["s", "l"]);
    advance(1);
    expect(await cache.getMany(["short", "long"])).toEqual([undefined, "l"]);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: sizeOf("long", "l") });
    advance(4_000);
    expect(await cache.getMany(["long"])).toEqual([undefined]);
  });
});
