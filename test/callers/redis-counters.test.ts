// Lua scripts on the counters' Redis connection: they run by digest, and keep
// running after the server forgets them (SCRIPT FLUSH, or a restart without
// persistence), because ioredis reloads a script the server lacks.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedisCounters, luaScript, type RedisCounters } from "../../src/callers/index.js";
import { startOwnRedis, type OwnRedis } from "../helpers/redis.js";

const INCR_BY_SOURCE = `return redis.call("INCRBY", KEYS[1], ARGV[1])`;
const INCR_BY = luaScript(INCR_BY_SOURCE);

describe("Redis counter scripts", () => {
  let server: OwnRedis;
  let counters: RedisCounters;
  beforeAll(async () => {
    server = await startOwnRedis();
    counters = await connectRedisCounters({ url: server.url, keyPrefix: "t:" });
  });
  afterAll(async () => {
    await counters?.close();
    await server?.kill();
  });

  it("runs a script, and runs it again after SCRIPT FLUSH", async () => {
    expect(await counters.run(INCR_BY, ["t:n"], [2])).toBe(2);
    await counters.redis.script("FLUSH");
    expect(await counters.redis.script("EXISTS", createHash("sha1").update(INCR_BY_SOURCE).digest("hex"))).toEqual([0]);
    expect(await counters.run(INCR_BY, ["t:n"], ["3"])).toBe(5);
  });

  it("gives two scripts two commands", async () => {
    const decr = luaScript(`return redis.call("DECRBY", KEYS[1], ARGV[1])`);
    expect(decr.name).not.toBe(INCR_BY.name);
    expect(await counters.run(decr, ["t:m"], [4])).toBe(-4);
  });
});
