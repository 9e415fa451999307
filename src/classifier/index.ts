export { extractFeatures, createFeatureBuffer, DEFAULT_HASH_BITS, PROMPT_SHAPES, type FeatureBuffer, type PromptShape } from "./features.js";
export {
  createComplexityModel,
  loadModel,
  parseModel,
  serializeModel,
  predictionOf,
  ModelLoadError,
  BUILTIN_MODEL_URL,
  TIER_LABELS,
  type Calibration,
  type ComplexityModel,
  type ModelInfo,
  type ModelParams,
  type Prediction,
  type TierLabel,
} from "./model.js";
export { createLocalClassifier, classifiedText, loadConfiguredModel, tierForScore, type LocalClassifier, type LocalVerdict, type Thresholds } from "./local-classifier.js";
export {
  createLlmClassifier,
  parseVerdict,
  readFewShotExamples,
  BUILTIN_FEW_SHOT_URL,
  TIER_DEFINITIONS,
  type CompleteFn,
  type FewShotExample,
  type LlmClassifier,
  type LlmOutcome,
} from "./llm-classifier.js";
export { createMemoryDecisionCache, type CachedVerdict, type DecisionCache } from "./decision-cache.js";
export { trainClassifier, mulberry32, type TrainOptions, type TrainResult, type TrainingExample } from "./train.js";
export { readDataset, parseDataset, splitExamples, isHeldOut, splitOf, HELD_OUT_PERCENT, VALIDATION_PERCENT, DatasetError, type DataFormat, type LabelledExample } from "./datasets.js";
