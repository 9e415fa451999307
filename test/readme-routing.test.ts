// Every example prompt in the README's "Examples" table routes as the table
// says, with the embedded default config and the shipped model.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { Tier } from "../src/core/types.js";
import { createConfiguredDecider } from "../src/policy/index.js";

const START = "<!-- routing-examples:start -->";
const END = "<!-- routing-examples:end -->";
const NAME: Record<number, string> = { [Tier.NANO]: "nano", [Tier.MID]: "mid", [Tier.FRONTIER]: "frontier" };

/** The table's rows: | prompt | tier | (the prompt in backticks, with \n for line breaks). */
function examples(): { prompt: string; tier: string }[] {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error("README has no routing examples table");
  return readme
    .slice(start + START.length, end)
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => {
      const m = /^\| `(.+)` \| (nano|mid|frontier) \|/.exec(l);
      if (!m) throw new Error(`README example row not understood: ${l}`);
      return { prompt: m[1]!.replaceAll("\\n", "\n").replaceAll("\\|", "|"), tier: m[2]! };
    });
}

describe("README examples", () => {
  it("route as the README says", async () => {
    const rows = examples();
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const tier of ["nano", "mid", "frontier"]) expect(rows.some((r) => r.tier === tier)).toBe(true);
    const decider = createConfiguredDecider({ config: loadConfig({ env: { TIERD_BASE_URL: "http://127.0.0.1:9/v1" } }) });
    const got = [];
    for (const r of rows) {
      const d = await decider.decide({ requestId: "readme", messages: [{ role: "user", content: r.prompt }], endpoint: "", caller: { id: "", plan: "", metadata: {} } }, { signal: new AbortController().signal });
      got.push({ prompt: r.prompt, tier: NAME[d.tier] });
    }
    expect(got).toEqual(rows);
  });
});
