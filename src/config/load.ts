import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configSchema, type Config } from "./schema.js";
import { interpolateEnv, type InterpolationProblem } from "./interpolate.js";
import { EMBEDDED_CONFIG_NAME, EMBEDDED_CONFIG_YAML } from "./defaults.js";
import { crossCheckRouting } from "./routing-checks.js";
import { crossCheckTrust } from "./trust-checks.js";
import { TIER_NAMES } from "../core/tiers.js";

export interface ConfigProblem {
  /** Dotted field path, e.g. `deployments.gpt-4o-mini.timeout_ms`. */
  path: string;
  message: string;
}

/** A configuration that cannot be used. The message names file, field and expectation. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `invalid configuration in ${source}:\n` +
        problems.map((p) => `  - ${p.path === "" ? "(top level)" : p.path}: ${p.message}`).join("\n"),
    );
  }
}

export interface LoadConfigOptions {
  /** YAML file to read; the embedded default when absent. */
  path?: string;
  /** Environment for `${VAR}` interpolation. */
  env: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(options: LoadConfigOptions): Config {
  if (options.path === undefined) {
    return parseConfig(EMBEDDED_CONFIG_YAML, EMBEDDED_CONFIG_NAME, options.env);
  }
  let text: string;
  try {
    text = readFileSync(options.path, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(options.path, [{ path: "", message: `cannot read file (${reason})` }]);
  }
  return parseConfig(text, options.path, options.env);
}

/**
 * One section of a config file, interpolated and validated alone: what an
 * offline command (`tierd report` reading `usage:`) needs, without the
 * variables the rest of the file uses for serving (upstream keys and the
 * like) having to be set.
 */
export function loadConfigSection<K extends keyof typeof configSchema.shape>(path: string, section: K, env: Readonly<Record<string, string | undefined>>): z.infer<(typeof configSchema.shape)[K]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(path, [{ path: "", message: `cannot read file (${reason})` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(path, doc.errors.map((e) => ({ path: "", message: `YAML syntax: ${e.message.split("\n")[0]}` })));
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const problems: InterpolationProblem[] = [];
  const tree = interpolateEnv(raw[section], env, problems, section);
  if (problems.length > 0) throw new ConfigError(path, problems);
  const parsed = configSchema.shape[section].safeParse(tree, { reportInput: true });
  if (!parsed.success) throw new ConfigError(path, parsed.error.issues.map((issue) => ({ ...describeIssue(issue), path: formatPath([section, ...issue.path]) })));
  return parsed.data as z.infer<(typeof configSchema.shape)[K]>;
}

/** Parses, interpolates and validates YAML text; `source` names it in errors. */
export function parseConfig(
  text: string,
  source: string,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: "", message: `YAML syntax: ${e.message.split("\n")[0]}` })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const interpolationProblems: InterpolationProblem[] = [];
  const tree = interpolateEnv(raw, env, interpolationProblems);
  if (interpolationProblems.length > 0) throw new ConfigError(source, interpolationProblems);

  const parsed = configSchema.safeParse(tree, { reportInput: true });
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(describeIssue));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return {
        path,
        message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
      };
    case "invalid_type":
      return { path, message: `expected ${issue.expected}${receivedOf(issue.input)}` };
    case "invalid_value":
      return { path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${receivedOf(issue.input)}` };
    case "invalid_format":
      // A pattern's own message says what it wants; "a valid regex" would not.
      if (issue.format === "regex") return { path, message: `${issue.message}${receivedOf(issue.input)}` };
      return { path, message: `expected a valid ${issue.format}${receivedOf(issue.input)}` };
    default:
      return { path, message: issue.message };
  }
}

function receivedOf(input: unknown): string {
  if (input === undefined) return ", but the field is missing";
  return `, got ${JSON.stringify(input)}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Relations a schema cannot express: references between sections. */
function crossCheck(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const tier of TIER_NAMES) {
    config.tiers[tier].deployments.forEach((name, i) => {
      if (!(name in config.deployments)) {
        problems.push({
          path: `tiers.${tier}.deployments[${i}]`,
          message: `unknown deployment "${name}" (defined: ${Object.keys(config.deployments).join(", ") || "none"})`,
        });
      }
    });
  }
  config.fallbacks.forEach((entry, i) => {
    for (const [from, targets] of Object.entries(entry)) {
      if (targets?.includes(from as never)) {
        problems.push({ path: `fallbacks[${i}].${from}`, message: "a tier cannot fall back to itself" });
      }
    }
  });
  problems.push(...crossCheckRouting(config));
  problems.push(...crossCheckTrust(config));
  return problems;
}
