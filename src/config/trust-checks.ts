// Cross-checks of the auth, budgets, rate_limits and limits sections: the
// names keys refer to must exist, a key must be listed once, and the output
// token default must fit under its cap.
import type { ConfigProblem } from "./load.js";
import type { Config } from "./schema.js";

export function crossCheckTrust(config: Pick<Config, "auth" | "budgets" | "rate_limits" | "limits">): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  config.auth.keys.forEach((key, i) => {
    const first = seen.get(key.sha256);
    if (first !== undefined) problems.push({ path: `auth.keys[${i}].sha256`, message: `the same key as auth.keys[${first}]` });
    else seen.set(key.sha256, i);
    key.budgets.forEach((name, j) => {
      if (!(name in config.budgets)) {
        problems.push({ path: `auth.keys[${i}].budgets[${j}]`, message: `unknown budget "${name}" (defined: ${Object.keys(config.budgets).join(", ") || "none"})` });
      }
    });
    if (key.rate_limit !== undefined && !(key.rate_limit in config.rate_limits)) {
      problems.push({
        path: `auth.keys[${i}].rate_limit`,
        message: `unknown rate limit "${key.rate_limit}" (defined: ${Object.keys(config.rate_limits).join(", ") || "none"})`,
      });
    }
  });
  for (const [name, budget] of Object.entries(config.budgets)) {
    for (const field of ["usd_per_day", "usd_per_month"] as const) {
      const usd = budget[field];
      if (usd !== undefined && Math.abs(usd * 1e6 - Math.round(usd * 1e6)) > 1e-6 * Math.max(1, usd * 1e6)) {
        problems.push({ path: `budgets.${name}.${field}`, message: `${usd} has more than 6 decimals (budgets count whole micro-dollars)` });
      }
    }
  }
  if (config.limits.default_output_tokens > config.limits.max_output_tokens) {
    problems.push({
      path: "limits.default_output_tokens",
      message: `must not exceed limits.max_output_tokens (${config.limits.default_output_tokens} > ${config.limits.max_output_tokens})`,
    });
  }
  return problems;
}
