// A deployment as the provider uses it: its configuration and the SDK client
// bound to its base URL's connection pool.
import type OpenAI from "openai";
import type { Config, DeploymentConfig } from "../config/index.js";
import type { ChatClientPool } from "./chat-client.js";

export interface Deployment {
  name: string;
  config: DeploymentConfig;
  client: OpenAI;
  /** The weighted strategy reads it under this name. */
  weight: number;
}

export function createDeployments(config: Pick<Config, "deployments">, pool: ChatClientPool): Map<string, Deployment> {
  const deployments = new Map<string, Deployment>();
  for (const [name, d] of Object.entries(config.deployments)) {
    deployments.set(name, {
      name,
      config: d,
      client: pool.clientFor({ baseUrl: d.base_url, apiKey: d.api_key, headers: d.headers }),
      weight: d.weight,
    });
  }
  return deployments;
}
