// Builds a tierd YAML for provider tests: named deployments on the one fake
// upstream, told apart by model string, with test prices for every model.
import { stringify } from "yaml";

export interface DeploymentSpec {
  model?: string;
  context_window?: number;
  capabilities?: string[];
  timeout_ms?: number;
  ttft_timeout_ms?: number;
  weight?: number;
  api_key?: string;
  max_tokens_param?: string;
}

export interface ProviderTestSpec {
  deployments?: Record<string, DeploymentSpec>;
  tiers?: Partial<Record<"nano" | "mid" | "frontier", string[]>>;
  strategy?: Partial<Record<"nano" | "mid" | "frontier", string>>;
  retry?: Record<string, number>;
  cooldown?: Record<string, number>;
  fallbacks?: unknown[];
}

/** Fast retries so fault tests stay quick; tests about timing set their own. */
export const FAST_RETRY = { max_retries: 2, base_delay_ms: 5, max_delay_ms: 20, max_retry_after_ms: 3000 };

export function providerYaml(spec: ProviderTestSpec = {}): string {
  const deployments = spec.deployments ?? { "nano-1": {}, "mid-1": {}, "frontier-1": {} };
  const tiers = { nano: ["nano-1"], mid: ["mid-1"], frontier: ["frontier-1"], ...spec.tiers };
  const pricing: Record<string, { input: number; output: number; cached_input: number }> = {};
  const resolved: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(deployments)) {
    const model = d.model ?? `test/${name}`;
    if (model.startsWith("test/")) pricing[model] = { input: 1, output: 2, cached_input: 0.5 };
    resolved[name] = { base_url: "{{FAKE}}", api_key: `sk-test-${name}-0123456789`, ...d, model };
  }
  const config = {
    server: { shutdown_grace_ms: 500 },
    log: { level: "silent" },
    deployments: resolved,
    tiers: Object.fromEntries(
      Object.entries(tiers).map(([tier, names]) => [tier, { deployments: names, ...(spec.strategy?.[tier as "nano"] ? { strategy: spec.strategy[tier as "nano"] } : {}) }]),
    ),
    retry: { ...FAST_RETRY, ...spec.retry },
    ...(spec.cooldown ? { cooldown: spec.cooldown } : {}),
    ...(spec.fallbacks ? { fallbacks: spec.fallbacks } : {}),
    pricing,
    auth: { enabled: false },
  };
  return stringify(config);
}
