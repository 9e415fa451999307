// Whether a deployment can serve a request at all: the conversation plus the
// requested output must fit its context window, and what the request carries
// (JSON mode, a JSON schema, tools, images) needs a deployment that declares
// the capability. Deployments that cannot are skipped without a call
// (SKIPPED + UNSUITABLE).
import type { DeploymentConfig } from "../config/index.js";
import { capabilitiesNeeded, type Capability } from "../core/request-needs.js";
import type { CompletionRequest } from "../core/types.js";
import { countRequestTokens, PER_MESSAGE_TOKENS, REPLY_PRIMING_TOKENS, requestExtraBytes } from "../pricing/index.js";

export interface RequestFit {
  /** Undefined when the deployment can serve the request, else why not. */
  unsuitability(deployment: DeploymentConfig): string | undefined;
  /**
   * An upstream said the conversation exceeds a window of this size: from now
   * on only larger windows are tried, whatever the local estimate says (the
   * provider's tokenizer is the one that counts).
   */
  exceeded(contextWindow: number): void;
  /** Whether any context-length failure or skip has been seen. */
  readonly contextLimited: boolean;
  /** Capabilities the request needs that a skipped deployment lacked, in the order met. */
  readonly missingCapabilities: readonly Capability[];
  /** Estimated input plus requested output tokens (counted on first use). */
  tokensNeeded(): number;
}

export function createRequestFit(request: CompletionRequest): RequestFit {
  const maxOutput = request.params.maxOutputTokens ?? 0;
  // A BPE token is at least one byte, so UTF-8 bytes bound the token count
  // from above: most requests fit every window by this bound alone and are
  // never tokenized here.
  let upperBound = REPLY_PRIMING_TOKENS + maxOutput + requestExtraBytes(request);
  for (const m of request.messages) {
    upperBound += PER_MESSAGE_TOKENS + Buffer.byteLength(m.content) + (m.name ? Buffer.byteLength(m.name) : 0);
  }
  let exact: number | undefined;
  let minWindow = 0;
  let contextLimited = false;
  const needs = capabilitiesNeeded(request);
  const missing = new Set<Capability>();
  const tokensNeeded = () => (exact ??= countRequestTokens(request) + maxOutput);

  return {
    unsuitability(deployment) {
      const lacks = needs.filter((c) => !deployment.capabilities.includes(c));
      if (lacks.length > 0) {
        for (const c of lacks) missing.add(c);
        return `${lacks.map((c) => WHY[c]).join(", ")} requested; deployment lacks the ${lacks.join(", ")} capabilit${lacks.length === 1 ? "y" : "ies"}`;
      }
      const window = deployment.context_window;
      if (window < minWindow) {
        contextLimited = true;
        return `context window ${window} already exceeded upstream for this request`;
      }
      if (upperBound <= window) return undefined;
      const needed = tokensNeeded();
      if (needed <= window) return undefined;
      contextLimited = true;
      return `needs ~${needed} tokens (input + max output), context window is ${window}`;
    },
    exceeded(contextWindow) {
      contextLimited = true;
      minWindow = Math.max(minWindow, contextWindow + 1);
    },
    get contextLimited() {
      return contextLimited;
    },
    get missingCapabilities() {
      return [...missing];
    },
    tokensNeeded,
  };
}

const WHY: Record<Capability, string> = {
  json: "JSON mode",
  json_schema: "a JSON schema (structured output)",
  tools: "tools",
  vision: "an image",
};
