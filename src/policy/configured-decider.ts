// Builds the configured cascade: the one TierDecider that the Classify RPC,
// Route, StreamCompletion and `tierd classify` all share.
import { fileURLToPath } from "node:url";
import type { Config } from "../config/index.js";
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
}

/** Loads the model (and few-shot examples) once; throws with the file named when one cannot be read. */
export function createConfiguredDecider(options: ConfiguredDeciderOptions): TierDecider {
  const { config } = options;
  const c = config.classifier;
  const local = createLocalClassifier({
    model: loadConfiguredModel(c.model),
    thresholds: { nanoBelow: c.nano_below, frontierAbove: c.frontier_above },
  });
  let llm;
  if (c.llm.enabled) {
    if (options.complete === undefined) throw new Error("classifier.llm.enabled needs a way to call the nano tier");
    llm = createLlmClassifier({
      complete: options.complete,
      style: c.llm.style,
      examples: c.llm.style === "few-shot" ? readFewShotExamples(c.llm.examples === "builtin" ? fileURLToPath(BUILTIN_FEW_SHOT_URL) : c.llm.examples) : [],
      timeoutMs: c.llm.timeout_ms,
      maxOutputTokens: c.llm.max_output_tokens,
      maxPromptChars: c.llm.max_prompt_chars,
      cache: options.cache ?? createMemoryDecisionCache(c.llm.cache_entries),
    });
  }
  return createTierDecider({ config, local, ...(llm ? { llm } : {}) });
}
