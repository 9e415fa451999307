export { createTierDecider, estimateInputTokens, type TierDecider, type TierDeciderOptions } from "./decide-tier.js";
export { createConfiguredDecider, type ConfiguredDeciderOptions } from "./configured-decider.js";
export { evaluateRules, policyRules, overrideAllowed, clamp, LARGE_INPUT_RULE, type RuleEvaluation, type RuleMatch, type Bound } from "./rules.js";
