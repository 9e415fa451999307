// A local classifier that says what the test wants, through the real
// threshold mapping (createLocalClassifier over a model that returns a fixed
// prediction).
import { createLocalClassifier, type LocalClassifier, type Thresholds } from "../../src/classifier/index.js";
import type { ComplexityModel, Prediction } from "../../src/classifier/model.js";

export function fixedModel(probabilities: [number, number, number]): ComplexityModel {
  const prediction: Prediction = { z: 0, score: (probabilities[1] + 2 * probabilities[2]) / 2, probabilities };
  return {
    params: { bits: 8, weights: new Float32Array(256), cuts: [-1, 1], temperature: 1 },
    info: { seed: 0, sources: {} },
    predict: () => prediction,
    linearScore: () => 0,
  };
}

export function fixedLocal(probabilities: [number, number, number], thresholds: Thresholds = { nanoBelow: 0.3, frontierAbove: 0.7 }): LocalClassifier {
  return createLocalClassifier({ model: fixedModel(probabilities), thresholds });
}
