export { extractFeatures, createFeatureBuffer, DEFAULT_HASH_BITS, PROMPT_SHAPES, type FeatureBuffer, type PromptShape } from "./features.js";
export {
  createComplexityModel,
  loadModel,
  parseModel,
  serializeModel,
  predictionOf,
  ModelLoadError,
  BUILTIN_MODEL_URL,
  memoryKey,
  MODEL_FORMAT,
  type Calibration,
  type ShapeScoring,
  type ComplexityModel,
  type ModelInfo,
  type ModelParams,
  type Prediction,
} from "./model.js";
export { createLocalClassifier, classifiedText, loadConfiguredModel, configuredModelPath, type LocalClassifier, type LocalVerdict } from "./local-classifier.js";
export { chooseTier, thresholdTier, settingConflicts, type TierSettings, type TierChoiceResult, type SettingConflict } from "./tier-choice.js";
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
export { trainClassifier, DEFAULT_MIX, type Head, type TrainOptions, type TrainResult, type TrainingExample } from "./train.js";
export { mulberry32 } from "../core/random.js";
export { readDataset, parseDataset, splitExamples, isHeldOut, splitOf, HELD_OUT_PERCENT, VALIDATION_PERCENT, DatasetError, type DataFormat, type LabelledExample } from "./datasets.js";
