export { createTierDecider, estimateInputTokens, type TierDecider, type TierDeciderOptions } from "./decide-tier.js";
export { createConfiguredDecider, type ConfiguredDecider, type ConfiguredDeciderOptions, type ReloadResult } from "./configured-decider.js";
export { evaluateRules, policyRules, overrideAllowed, clamp, LARGE_INPUT_RULE, type RuleEvaluation, type RuleMatch, type Bound } from "./rules.js";
