// The configuration reference in docs/configuration.md restates the schema's
// defaults for the reader; this keeps it honest. Every value the reference
// shows for a field that has a default must be that default, and every
// defaulted field must appear. Sections that are the user's own data
// (deployments, tiers, pricing, budgets, rate limits, keys, rules) are
// examples, not defaults, and are not compared.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";

const EXAMPLES = new Set(["deployments", "tiers", "pricing", "budgets", "rate_limits", "fallbacks", "auth.keys", "auth.revoked", "policy.rules"]);

function referenceBlock(): Record<string, unknown> {
  const doc = readFileSync("docs/configuration.md", "utf8");
  const section = doc.indexOf("## Configuration reference");
  const open = doc.indexOf("```yaml\n", section);
  if (section < 0 || open < 0) throw new Error("docs/configuration.md has no configuration reference block");
  return parse(doc.slice(open + 8, doc.indexOf("\n```", open + 8))) as Record<string, unknown>;
}

/** The schema's default for each top-level section. */
function defaults(): Record<string, unknown> {
  const shape = configSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const parsed = schema.safeParse(undefined);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Leaf paths and values of a plain-data tree, stopping at example sections. */
function leaves(value: unknown, path = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (EXAMPLES.has(path)) return out;
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) for (const [p, leaf] of leaves(v, path ? `${path}.${k}` : k)) out.set(p, leaf);
  } else if (path !== "") {
    out.set(path, value);
  }
  return out;
}

describe("docs/configuration.md reference", () => {
  const shown = leaves(referenceBlock());
  const schema = leaves(defaults());

  it("shows every default as the schema has it", () => {
    expect(shown.size).toBeGreaterThan(50);
    expect(shown.get("classifier.ambiguous_below")).toBe(0.4);
    const wrong = [...shown].filter(([path, v]) => schema.has(path) && JSON.stringify(schema.get(path)) !== JSON.stringify(v)).map(([path, v]) => `${path}: docs say ${JSON.stringify(v)}, schema ${JSON.stringify(schema.get(path))}`);
    expect(wrong).toEqual([]);
  });

  it("shows every defaulted field, and no field the schema lacks", () => {
    expect([...schema.keys()].filter((p) => !shown.has(p))).toEqual([]);
    expect([...shown.keys()].filter((p) => !schema.has(p))).toEqual([]);
  });
});
