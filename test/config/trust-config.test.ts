// The auth, budgets, rate_limits, counters and limits sections: defaults,
// and errors that name the field.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { hashApiKey } from "../../src/callers/index.js";
import { problemsOf } from "../helpers/config.js";
import { baseConfigYaml } from "../helpers/tierd.js";

const base = baseConfigYaml("http://127.0.0.1:9/v1").replace("auth:\n  enabled: false\n", "");
const digest = hashApiKey("k1");

describe("trust configuration", () => {
  it("defaults: auth on with no keys, memory counters, safe input limits", () => {
    const config = parseConfig(base, "t.yaml", {});
    expect(config.auth).toEqual({ enabled: true, keys: [], revoked: [] });
    expect(config.counters).toEqual({ store: "memory", redis_url: "redis://127.0.0.1:6379", key_prefix: "tierd:" });
    expect(config.limits).toEqual({
      max_messages: 256,
      max_message_chars: 400_000,
      max_input_chars: 1_000_000,
      max_output_tokens: 32_768,
      default_output_tokens: 4_096,
      max_metadata_entries: 32,
    });
  });

  it("fills a key's defaults and lowercases its digest", () => {
    const config = parseConfig(base + `auth:\n  keys:\n    - { sha256: "${digest.toUpperCase()}", caller: svc }\n`, "t.yaml", {});
    expect(config.auth.keys[0]).toEqual({
      sha256: digest,
      caller: "svc",
      plan: "",
      endpoints: ["*"],
      max_tier: "frontier",
      admin: false,
      budgets: [],
      on_budget_exceeded: "refuse",
    });
  });

  it("names unknown budgets and rate limits, repeated keys and malformed digests", () => {
    const yaml =
      base +
      `auth:
  keys:
    - { sha256: "${digest}", caller: a, budgets: [daily], rate_limit: fast }
    - { sha256: "${digest}", caller: b }
    - { sha256: "not-hex", caller: c }
budgets:
  monthly: { usd_per_month: 10 }
`;
    expect(problemsOf(yaml)).toEqual(['auth.keys[2].sha256: expected 64 hex digits: the SHA-256 of the key (tierd hash-key), got "not-hex"']);
    expect(problemsOf(yaml.replace('    - { sha256: "not-hex", caller: c }\n', ""))).toEqual([
      'auth.keys[0].budgets[0]: unknown budget "daily" (defined: monthly)',
      'auth.keys[0].rate_limit: unknown rate limit "fast" (defined: none)',
      "auth.keys[1].sha256: the same key as auth.keys[0]",
    ]);
  });

  it("refuses empty budgets and rate limits, sub-micro-dollar budgets and a default above the cap", () => {
    const yaml = base + "budgets:\n  b: {}\n  c: { usd_per_day: 0.0000001 }\nrate_limits:\n  r: {}\nlimits:\n  max_output_tokens: 100\n  default_output_tokens: 200\n";
    expect(problemsOf(yaml)).toEqual(["budgets.b: a budget needs usd_per_day and/or usd_per_month", "rate_limits.r: a rate limit needs requests_per_minute and/or tokens_per_minute"]);
    expect(problemsOf(yaml.replace("  b: {}\n", "").replace("  r: {}\n", "  r: { requests_per_minute: 5 }\n"))).toEqual([
      "budgets.c.usd_per_day: 1e-7 has more than 6 decimals (budgets count whole micro-dollars)",
      "limits.default_output_tokens: must not exceed limits.max_output_tokens (200 > 100)",
    ]);
  });
});
