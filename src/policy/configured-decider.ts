// Builds the configured cascade: the one TierDecider that the Classify RPC,
// Route, StreamCompletion and `tierd classify` all share, and reloads its
// files (the model and the few-shot examples) while it serves.
import { fileURLToPath } from "node:url";
import { ConfigError, type Config } from "../config/index.js";
import {
  BUILTIN_FEW_SHOT_URL,
  configuredModelPath,
  createLlmClassifier,
  createLocalClassifier,
  createMemoryDecisionCache,
  loadModel,
  readFewShotExamples,
  settingConflicts,
  type CompleteFn,
  type ComplexityModel,
  type DecisionCache,
  type LlmClassifier,
  type TierSettings,
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

export interface ReloadResult {
  /** The model file now serving. */
  model: string;
  /** What the model file says of itself (seed, training date, sources). */
  modelInfo: ComplexityModel["info"];
  /** The few-shot file now serving, when the LLM classifier is on with few-shot examples. */
  examples?: string;
  exampleCount?: number;
}

export interface ConfiguredDecider extends TierDecider {
  /**
   * Reads the configured model file (and few-shot file) again and serves
   * them from the next decision on; a decision in progress finishes on what
   * it started with. A file that cannot be read, parsed or squared with the
   * thresholds throws a ConfigError and the old files keep serving.
   */
  reload(): ReloadResult;
}

/**
 * Loads the model (and few-shot examples) once. A file that cannot be read
 * is a ConfigError naming the field, like any other start-up problem.
 */
export function createConfiguredDecider(options: ConfiguredDeciderOptions): ConfiguredDecider {
  const { config } = options;
  const c = config.classifier;
  const source = options.configSource ?? "config";
  const settings: TierSettings = { nanoBelow: c.nano_below, frontierAbove: c.frontier_above, ambiguousBelow: c.ambiguous_below };
  const modelPath = configuredModelPath(c.model);
  const examplesPath = c.llm.style === "few-shot" ? (c.llm.examples === "builtin" ? fileURLToPath(BUILTIN_FEW_SHOT_URL) : c.llm.examples) : undefined;

  const loadLocal = () => {
    const model = asConfigError(source, "classifier.model", () => loadModel(modelPath));
    const conflicts = settingConflicts(model.params.shapes.free, settings);
    if (conflicts.length > 0) {
      throw new ConfigError(
        source,
        conflicts.map((k) => ({ path: k.paths[0], message: `${k.message} (with the model in ${c.model === "builtin" ? "the built-in model" : c.model})` })),
      );
    }
    return model;
  };
  const local = createLocalClassifier({ model: loadLocal(), settings });

  let llm: LlmClassifier | undefined;
  let exampleCount: number | undefined;
  const buildLlm = (): LlmClassifier => {
    if (options.complete === undefined) throw new Error("classifier.llm.enabled needs a way to call the nano tier");
    const examples = examplesPath === undefined ? [] : asConfigError(source, "classifier.llm.examples", () => readFewShotExamples(examplesPath));
    exampleCount = examplesPath === undefined ? undefined : examples.length;
    return createLlmClassifier({
      complete: options.complete,
      style: c.llm.style,
      examples,
      timeoutMs: c.llm.timeout_ms,
      maxOutputTokens: c.llm.max_output_tokens,
      maxPromptChars: c.llm.max_prompt_chars,
      cache,
    });
  };
  const cache = options.cache ?? createMemoryDecisionCache(c.llm.cache_entries);
  if (c.llm.enabled) llm = buildLlm();
  // The decider holds this stable wrapper; a reload swaps what it calls.
  const currentLlm: LlmClassifier | undefined = c.llm.enabled ? { classify: (input, ctx) => llm!.classify(input, ctx) } : undefined;

  const decider = createTierDecider({ config, local, ...(currentLlm ? { llm: currentLlm } : {}) });
  return {
    decide: (input, ctx) => decider.decide(input, ctx),
    reload() {
      // Load everything first: a bad file must leave all of the old serving.
      const model = loadLocal();
      const nextLlm = c.llm.enabled ? buildLlm() : undefined;
      local.swap(model);
      if (nextLlm !== undefined) llm = nextLlm;
      return {
        model: modelPath,
        modelInfo: model.info,
        ...(c.llm.enabled && examplesPath !== undefined ? { examples: examplesPath, exampleCount: exampleCount! } : {}),
      };
    },
  };
}

function asConfigError<T>(source: string, path: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    throw new ConfigError(source, [{ path, message: err instanceof Error ? err.message : String(err) }]);
  }
}
