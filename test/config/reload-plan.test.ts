import { describe, expect, it } from "vitest";
import { EMBEDDED_CONFIG_YAML, parseConfig, type Config } from "../../src/config/index.js";
import { restartOnlyChanges, withRestartOnlyOf } from "../../src/config/reload-plan.js";

const base: Config = parseConfig(EMBEDDED_CONFIG_YAML, "embedded", { TIERD_BASE_URL: "http://127.0.0.1:9/v1" });

describe("what a reload applies", () => {
  it("names the restart-only fields that changed, and nothing a reload applies", () => {
    const next: Config = {
      ...base,
      server: { ...base.server, port: 6000 },
      auth: { ...base.auth, enabled: !base.auth.enabled },
      cache: { ...base.cache, scope: "caller" },
      limits: { ...base.limits, max_messages: 3 },
      budgets: { b: { usd_per_day: 1 } },
    };
    expect(restartOnlyChanges(base, next)).toEqual(["auth.enabled", "cache.scope", "server.port"]);
    expect(restartOnlyChanges(base, structuredClone(base))).toEqual([]);
  });

  it("keeps the running values of restart-only settings and takes the rest from the new file", () => {
    const next: Config = { ...base, server: { ...base.server, port: 6000 }, auth: { ...base.auth, enabled: !base.auth.enabled, revoked: ["a".repeat(64)] }, limits: { ...base.limits, max_messages: 3 } };
    const applied = withRestartOnlyOf(base, next);
    expect(applied.server.port).toBe(base.server.port);
    expect(applied.auth.enabled).toBe(base.auth.enabled);
    expect(applied.auth.revoked).toEqual(["a".repeat(64)]);
    expect(applied.limits.max_messages).toBe(3);
  });
});
