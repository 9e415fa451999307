// The upstream HTTP client: the `openai` SDK with its own retries off (the
// router owns retry policy) over one keep-alive connection pool per base
// URL origin, shared by every deployment that points there, through a fetch
// built on that pool's Dispatcher API (dispatcher-fetch.ts).
import OpenAI from "openai";
import { Agent } from "undici";
import { createDispatcherFetch } from "./dispatcher-fetch.js";

export interface ChatClientPool {
  clientFor(options: { baseUrl: string; apiKey: string; headers: Record<string, string> }): OpenAI;
  close(): Promise<void>;
}

/**
 * Connections per upstream origin. OpenAI-compatible APIs speak HTTP/1.1, one
 * request per connection at a time, so this is also the most requests in
 * flight per origin: at 256, the 1,000-stream benchmark kept 744 streams
 * waiting for a socket (first token after ~3 s). Past this many, a request
 * queues in tierd rather than opening yet another socket.
 */
const MAX_CONNECTIONS_PER_ORIGIN = 4096;

export function createChatClientPool(): ChatClientPool {
  const agents = new Map<string, Agent>();
  const agentFor = (baseUrl: string): Agent => {
    const origin = new URL(baseUrl).origin;
    let agent = agents.get(origin);
    if (agent === undefined) {
      agent = new Agent({ keepAliveTimeout: 30_000, connections: MAX_CONNECTIONS_PER_ORIGIN, pipelining: 1 });
      agents.set(origin, agent);
    }
    return agent;
  };
  return {
    clientFor({ baseUrl, apiKey, headers }) {
      const dispatcher = agentFor(baseUrl);
      return new OpenAI({
        baseURL: baseUrl,
        // Keyless upstreams (Ollama, a local vLLM) still get a syntactically
        // valid header; the SDK refuses an empty key.
        apiKey: apiKey === "" ? "no-key" : apiKey,
        maxRetries: 0,
        // Attempt timeouts are enforced by the provider's own signal.
        timeout: 24 * 60 * 60 * 1000,
        defaultHeaders: headers,
        // The SDK logs raw SSE data it cannot parse: upstream text, which is
        // prompt-derived and stays out of logs. Failures surface as errors.
        logLevel: "off",
        fetch: createDispatcherFetch(dispatcher) as unknown as typeof globalThis.fetch,
      });
    },
    async close() {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
      agents.clear();
    },
  };
}
