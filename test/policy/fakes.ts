// A local classifier that says what the test wants, through the real
// threshold mapping (createLocalClassifier over a model that returns a fixed
// prediction).
import { createLocalClassifier, type LocalClassifier, type TierSettings } from "../../src/classifier/index.js";
import type { ComplexityModel, Prediction } from "../../src/classifier/model.js";

export const DEFAULT_SETTINGS: TierSettings = { nanoBelow: 0.3, frontierAbove: 0.7, ambiguousBelow: 0.4 };

export function fixedModel(probabilities: [number, number, number]): ComplexityModel {
  const prediction: Prediction = { z: 0, score: (probabilities[1] + 2 * probabilities[2]) / 2, probabilities };
  const scoring = { mix: [1, 0] as [number, number], cuts: [-1, 1] as [number, number], temperature: 1 };
  return {
    params: { bits: 8, features: 3, heads: { tier: new Float32Array(256), gain: new Float32Array(256) }, shapes: { free: scoring, options: scoring, "many-options": scoring }, memory: new Map() },
    info: { seed: 0, sources: {} },
    predict: () => prediction,
    linearScore: () => 0,
  };
}

export function fixedLocal(probabilities: [number, number, number], settings: Partial<TierSettings> = {}): LocalClassifier {
  return createLocalClassifier({ model: fixedModel(probabilities), settings: { ...DEFAULT_SETTINGS, ...settings } });
}
