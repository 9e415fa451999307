// Builds the configured cascade: the one TierDecider that the Classify RPC,
// Route, StreamCompletion and `tierd classify` all share.
import { fileURLToPath } from "node:url";
import { ConfigError, type Config } from "../config/index.js";
import {
  BUILTIN_FEW_SHOT_URL,
  createLlmClassifier,
  createLocalClassifier,
  createMemoryDecisionCache,
  loadConfiguredModel,
  readFewShotExamples,
  type CompleteFn,
  type DecisionCache,
} from "../classifier/index.js";
import { createTierDecider, type TierDecider } from "./decide-tier.js";

export interface ConfiguredDeciderOptions {
  config: Pick<Config, "mode" | "shadow_tier" | "default_tier" | "policy" | "classifier">;
  /** How the LLM classifier reaches the nano tier; required when it is enabled. */
  complete?: CompleteFn;
  /** Where LLM verdicts are cached; an in-memory LRU of classifier.llm.cache_entries by default. */
  cache?: DecisionCache;
  /** Names the configuration in errors. */
  configSource?: string;
}

/**
 * Loads the model (and few-shot examples) once. A file that cannot be read
 * is a ConfigError naming the field, like any other start-up problem.
 */
export function createConfiguredDecider(options: ConfiguredDeciderOptions): TierDecider {
  const { config } = options;
  const c = config.classifier;
  const source = options.configSource ?? "config";
  const local = createLocalClassifier({
    model: asConfigError(source, "classifier.model", () => loadConfiguredModel(c.model)),
    thresholds: { nanoBelow: c.nano_below, frontierAbove: c.frontier_above },
  });
  let llm;
  if (c.llm.enabled) {
    if (options.complete === undefined) throw new Error("classifier.llm.enabled needs a way to call the nano tier");
    llm = createLlmClassifier({
      complete: options.complete,
      style: c.llm.style,
      examples:
        c.llm.style === "few-shot"
          ? asConfigError(source, "classifier.llm.examples", () => readFewShotExamples(c.llm.examples === "builtin" ? fileURLToPath(BUILTIN_FEW_SHOT_URL) : c.llm.examples))
          : [],
      timeoutMs: c.llm.timeout_ms,
      maxOutputTokens: c.llm.max_output_tokens,
      maxPromptChars: c.llm.max_prompt_chars,
      cache: options.cache ?? createMemoryDecisionCache(c.llm.cache_entries),
    });
  }
  return createTierDecider({ config, local, ...(llm ? { llm } : {}) });
}

function asConfigError<T>(source: string, path: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    throw new ConfigError(source, [{ path, message: err instanceof Error ? err.message : String(err) }]);
  }
}
