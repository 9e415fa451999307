// The embedded default configuration: what `npm start` runs with no file.
// Classify works fully offline. Route and StreamCompletion go to the
// OpenAI-compatible upstream in TIERD_BASE_URL (one key, TIERD_API_KEY, for
// every tier, as with OpenRouter or a LiteLLM proxy); when it is unset the
// app starts the built-in demo upstream and says so.

export const EMBEDDED_CONFIG_NAME = "<embedded default config>";

export const EMBEDDED_CONFIG_YAML = `
server:
  host: \${TIERD_HOST:-127.0.0.1}
  port: \${TIERD_PORT:-50051}

mode: enforce
default_tier: mid

deployments:
  gpt-4o-mini:
    model: openai/gpt-4o-mini
    base_url: \${TIERD_BASE_URL}
    api_key: \${TIERD_API_KEY:-}
    context_window: 128000
    capabilities: [json, json_schema, tools, vision]
  claude-sonnet-4-6:
    model: anthropic/claude-sonnet-4-6
    base_url: \${TIERD_BASE_URL}
    api_key: \${TIERD_API_KEY:-}
    context_window: 200000
    capabilities: [json, json_schema, tools, vision]
  claude-opus-4-7:
    model: anthropic/claude-opus-4-7
    base_url: \${TIERD_BASE_URL}
    api_key: \${TIERD_API_KEY:-}
    context_window: 200000
    capabilities: [json, json_schema, tools, vision]

tiers:
  nano:
    deployments: [gpt-4o-mini]
  mid:
    deployments: [claude-sonnet-4-6]
  frontier:
    deployments: [claude-opus-4-7]

fallbacks:
  - nano: [mid]
  - mid: [frontier]

# Off, and said so: this default listens on loopback, where only processes
# on this machine can call it (a non-loopback TIERD_HOST is refused). A
# deployment that others reach writes a config file with auth.keys.
auth:
  enabled: false
`;
