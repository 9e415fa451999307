// The local classifier stage: the trained model's complexity score and
// calibrated class probabilities, mapped to a tier by the configured
// thresholds and the round-up rule (tier-choice.ts). No network. The model
// can be swapped while serving (a reload): each call reads the current one
// once, so a call in progress finishes on the model it started with.
import { fileURLToPath } from "node:url";
import type { ChatMessage } from "../core/types.js";
import { BUILTIN_MODEL_URL, loadModel, type ComplexityModel } from "./model.js";
import type { TierName } from "../core/tiers.js";
import { chooseTier, type TierSettings } from "./tier-choice.js";

export type { TierSettings };

export interface LocalVerdict {
  /** The tier after the round-up rule. */
  tier: TierName;
  /** The tier the thresholds alone gave. */
  byThresholds: TierName;
  /** Complexity score in [0, 1]. */
  score: number;
  /** Calibrated probability of the tier the thresholds gave. */
  confidence: number;
  probabilities: [number, number, number];
  /** The tier above, when the doubt leans upward (what a tie-breaker chooses between). */
  doubtUp?: TierName;
  roundedUp: boolean;
  /** Set when the prompt is one the model remembers (a label the team fed back). */
  remembered?: TierName;
}

export interface LocalClassifier {
  classify(messages: readonly ChatMessage[]): LocalVerdict;
  /** The model serving now. */
  readonly model: ComplexityModel;
  readonly settings: TierSettings;
  /** Serves `model` from the next call on. */
  swap(model: ComplexityModel): void;
}

export interface LocalClassifierOptions {
  model: ComplexityModel;
  settings: TierSettings;
}

export function createLocalClassifier(options: LocalClassifierOptions): LocalClassifier {
  let model = options.model;
  const settings = { ...options.settings };
  return {
    get model() {
      return model;
    },
    settings,
    swap(next) {
      model = next;
    },
    classify(messages) {
      const serving = model;
      const prediction = serving.predict(classifiedText(messages), messages.length);
      const choice = chooseTier(prediction, settings);
      return {
        tier: choice.tier,
        byThresholds: choice.byThresholds,
        score: prediction.score,
        confidence: choice.confidence,
        probabilities: prediction.probabilities,
        ...(choice.doubtUp === undefined ? {} : { doubtUp: choice.doubtUp }),
        roundedUp: choice.roundedUp,
        ...(prediction.remembered === undefined ? {} : { remembered: prediction.remembered }),
      };
    },
  };
}

/**
 * The text the classifiers see: the user's turns and tool output (logs,
 * search results), oldest first, so the latest turn ends the text. System
 * prompts are left out: they are per-endpoint boilerplate that says little
 * about one request (a "You are a staff engineer." preamble moved scores by
 * 0.2), and endpoint intent is what endpoint rules are for. The model's own
 * earlier answers are left out too.
 */
export function classifiedText(messages: readonly ChatMessage[]): string {
  if (messages.length === 1) return messages[0]!.content;
  let text = "";
  for (const m of messages) {
    if (m.role === "assistant" || m.role === "system") continue;
    text = text === "" ? m.content : `${text}\n${m.content}`;
  }
  return text;
}

/** Loads the configured model: "builtin" is the one shipped in models/. */
export function loadConfiguredModel(model: string): ComplexityModel {
  return loadModel(configuredModelPath(model));
}

export function configuredModelPath(model: string): string {
  return model === "builtin" ? fileURLToPath(BUILTIN_MODEL_URL) : model;
}
