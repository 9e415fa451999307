export { createTierDecider, estimateInputTokens, type TierDecider, type TierDeciderOptions } from "./decide-tier.js";
