// What parseConfig says is wrong with a YAML text, as "path: message" lines;
// empty when the config is valid.
import { ConfigError, parseConfig } from "../../src/config/index.js";

export function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, "t.yaml", {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}
