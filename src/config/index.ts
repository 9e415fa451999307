export {
  configSchema,
  deploymentSchema,
  retrySchema,
  cooldownSchema,
  type Config,
  type DeploymentConfig,
  type TierConfig,
  type TierName,
  type PriceConfig,
  type RuleConfig,
  type PolicyConfig,
  type ClassifierConfig,
  type RetryConfig,
  type CooldownConfig,
  type UsageConfig,
  type CacheConfig,
} from "./schema.js";
export { loadConfig, parseConfig, ConfigError, type ConfigProblem, type LoadConfigOptions } from "./load.js";
export { EMBEDDED_CONFIG_NAME, EMBEDDED_CONFIG_YAML } from "./defaults.js";
