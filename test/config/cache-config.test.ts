import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Role, Tier } from "../../gen/tierd/v1/router_pb.js";
import { startTierd } from "../../src/app.js";
import { ConfigError, parseConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import { freePort } from "../helpers/redis.js";
import { problemsOf } from "../helpers/config.js";
import { baseConfigYaml, startTestTierd } from "../helpers/tierd.js";

const withCache = (cache: string) => `${baseConfigYaml("http://127.0.0.1:9/v1")}cache:\n${cache}\n`;

describe("cache configuration", () => {
  it("defaults to an enabled in-memory cache of 64 MiB, an hour per tier, deterministic requests only, shared by callers", () => {
    const config = parseConfig(baseConfigYaml("http://127.0.0.1:9/v1"), "t.yaml", {});
    const tier = { enabled: true, ttl_ms: 3_600_000 };
    expect(config.cache).toEqual({
      enabled: true,
      tiers: { nano: tier, mid: tier, frontier: tier },
      sampled: false,
      scope: "shared",
      max_bytes: 64 * 1024 * 1024,
      max_entry_bytes: 1024 * 1024,
      key_prefix: "tierd:",
      redis_timeout_ms: 100,
      decision_ttl_ms: 7 * 24 * 3_600_000,
    });
  });

  it("fills in the tiers not named", () => {
    const config = parseConfig(withCache("  tiers:\n    mid: { ttl_ms: 5000 }"), "t.yaml", {});
    expect(config.cache.tiers).toEqual({ nano: { enabled: true, ttl_ms: 3_600_000 }, mid: { enabled: true, ttl_ms: 5000 }, frontier: { enabled: true, ttl_ms: 3_600_000 } });
  });

  it("names the field of a bad value", () => {
    expect(problemsOf(withCache("  redis_url: http://cache:6379"))).toEqual(['cache.redis_url: expected redis://host:port or rediss://host:port, got "http://cache:6379"']);
    expect(problemsOf(withCache("  tiers:\n    nano: { ttl_ms: 0 }"))[0]).toMatch(/^cache\.tiers\.nano\.ttl_ms: /);
    expect(problemsOf(withCache("  tiers:\n    tiny: {}"))).toEqual(['cache.tiers: unknown field "tiny"']);
    expect(problemsOf(withCache("  max_bytes: -1"))[0]).toMatch(/^cache\.max_bytes: /);
    expect(problemsOf(withCache("  ttl: 5"))).toEqual(['cache: unknown field "ttl"']);
    expect(problemsOf(withCache("  scope: tenant"))[0]).toMatch(/^cache\.scope: /);
  });

  it("answers a caller only from its own entries with scope caller", async () => {
    const t = await startTestTierd({ extraYaml: "cache:\n  scope: caller\n" });
    try {
      const content = `Hello ${randomUUID()}`;
      const as = (id: string) => ({ messages: [{ role: Role.USER, content }], tierOverride: Tier.NANO, params: { temperature: 0 }, caller: { id } });
      expect((await t.grpc.route(as("svc-a"))).cacheHit).toBe(false);
      expect((await t.grpc.route(as("svc-b"))).cacheHit).toBe(false);
      expect((await t.grpc.route(as("svc-a"))).cacheHit).toBe(true);
      expect((await t.grpc.route(as("svc-b"))).cacheHit).toBe(true);
      expect(t.fake.requestCount()).toBe(2);
    } finally {
      await t.close();
    }
  });

  it("caches nothing when cache.enabled is false", async () => {
    const t = await startTestTierd({ extraYaml: "cache:\n  enabled: false\n" });
    try {
      const request = { messages: [{ role: Role.USER, content: `Hello ${randomUUID()}` }], tierOverride: Tier.NANO, params: { temperature: 0 } };
      await t.grpc.route(request);
      expect((await t.grpc.route(request)).cacheHit).toBe(false);
      expect(t.fake.requestCount()).toBe(2);
      expect(t.tierd.cache.responses).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("starts and serves when the configured Redis is not there", async () => {
    const port = await freePort();
    const t = await startTestTierd({ extraYaml: `cache:\n  redis_url: redis://127.0.0.1:${port}\n` });
    try {
      const request = { messages: [{ role: Role.USER, content: `Hello ${randomUUID()}` }], tierOverride: Tier.NANO, params: { temperature: 0 } };
      expect((await t.grpc.route(request)).content).not.toBe("");
      expect((await t.grpc.route(request)).cacheHit).toBe(false);
    } finally {
      await t.close();
    }
  });

  it("refuses a config whose Redis URL is not a URL, before anything starts", async () => {
    const err = await startTierd({ configText: withCache("  redis_url: redis-host:6379"), configSource: "t.yaml", env: {}, port: 0, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
  });
});
