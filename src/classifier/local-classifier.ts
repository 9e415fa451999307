// The local classifier stage: the trained model's complexity score and
// calibrated class probabilities, mapped to a tier by the configured
// thresholds. No network, no allocation beyond the result object.
import { fileURLToPath } from "node:url";
import type { ChatMessage } from "../core/types.js";
import { BUILTIN_MODEL_URL, loadModel, type ComplexityModel, type TierLabel } from "./model.js";

export interface Thresholds {
  /** Score below this: nano. */
  nanoBelow: number;
  /** Score above this: frontier. In between: mid. */
  frontierAbove: number;
}

export interface LocalVerdict {
  tier: TierLabel;
  /** Complexity score in [0, 1]. */
  score: number;
  /** Calibrated probability that `tier` is the right tier. */
  confidence: number;
  probabilities: [number, number, number];
}

export interface LocalClassifier {
  classify(messages: readonly ChatMessage[]): LocalVerdict;
  readonly model: ComplexityModel;
}

export interface LocalClassifierOptions {
  model: ComplexityModel;
  thresholds: Thresholds;
}

export function tierForScore(score: number, thresholds: Thresholds): TierLabel {
  if (score < thresholds.nanoBelow) return "nano";
  if (score > thresholds.frontierAbove) return "frontier";
  return "mid";
}

const INDEX: Readonly<Record<TierLabel, 0 | 1 | 2>> = { nano: 0, mid: 1, frontier: 2 };

export function createLocalClassifier(options: LocalClassifierOptions): LocalClassifier {
  const { model, thresholds } = options;
  return {
    model,
    classify(messages) {
      const prediction = model.predict(classifiedText(messages), messages.length);
      const tier = tierForScore(prediction.score, thresholds);
      return { tier, score: prediction.score, confidence: prediction.probabilities[INDEX[tier]], probabilities: prediction.probabilities };
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
  return loadModel(model === "builtin" ? fileURLToPath(BUILTIN_MODEL_URL) : model);
}
