// Cross-checks of the policy and classifier sections that a schema cannot
// express: orderings and uniqueness.
import type { Config } from "./schema.js";
import type { ConfigProblem } from "./load.js";
import { rankOf } from "../core/tiers.js";


export function crossCheckRouting(config: Pick<Config, "policy" | "classifier">): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { classifier, policy } = config;
  if (!(classifier.nano_below <= classifier.frontier_above)) {
    problems.push({
      path: "classifier.nano_below",
      message: `must not exceed classifier.frontier_above (${classifier.nano_below} > ${classifier.frontier_above})`,
    });
  }
  const names = new Set<string>();
  policy.rules.forEach((rule, i) => {
    if (names.has(rule.name)) problems.push({ path: `policy.rules[${i}].name`, message: `duplicate rule name "${rule.name}"` });
    names.add(rule.name);
    if (rule.min_tier !== undefined && rule.max_tier !== undefined && rankOf(rule.min_tier) > rankOf(rule.max_tier)) {
      problems.push({ path: `policy.rules[${i}].min_tier`, message: `${rule.min_tier} is above max_tier ${rule.max_tier}` });
    }
  });
  return problems;
}
