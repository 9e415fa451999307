// The response cache as the router uses it: which requests may be answered
// from it, under which keys, and which answers are worth keeping.
//
// "The resolved deployment" is resolved per model: a lookup tries the
// distinct models of the decided tier's deployments (config order, one
// round trip for all of them), because with the weighted or least-latency
// strategies any of them could have answered; an answer is stored under the
// model that actually produced it. A fallback answer from another tier is
// stored under its own model, so it is found by requests decided for that
// tier, never passed off as the decided tier's model.
import { FinishReason, ZERO_USAGE, type Completion, type CompletionRequest, type RoutableTier } from "../core/types.js";
import { costOf, type PriceTable } from "../pricing/index.js";
import type { CacheBackend } from "./backend.js";
import { decodeEntry, encodeEntry } from "./cache-entry.js";
import { responseKeys } from "./cache-key.js";

export interface TierCachePolicy {
  /** Lookups for requests decided for this tier, and stores of its answers. */
  enabled: boolean;
  ttlMs: number;
}

export interface ResponseCacheOptions {
  backend: CacheBackend;
  tiers: Readonly<Record<RoutableTier, TierCachePolicy>>;
  /** Each tier's distinct deployment models, in config order: what a lookup tries. */
  modelsOf: Readonly<Record<RoutableTier, readonly string[]>>;
  /** Prices the saving of a hit. */
  prices: PriceTable;
  /** Cache answers to sampled requests (temperature > 0 or unset). Default false. */
  sampled?: boolean;
  /** Larger entries are not stored. Default 1 MiB. */
  maxEntryBytes?: number;
  /**
   * "shared" (default): one entry per question, whoever asks. "caller":
   * entries are per caller id (the authenticated caller's, with auth on),
   * so no caller is ever answered from another's entry.
   */
  scope?: "shared" | "caller";
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Answers written. */
  stores: number;
  /** Requests the cache did not consider: bypass, sampled, tier disabled. */
  skipped: number;
  /** Answers not kept for their size. */
  tooLarge: number;
}

export interface ResponseCache {
  /**
   * The cached answer to a request decided for `tier`: cost 0, no attempts,
   * zero usage, `cacheHit` and `cacheSavedPicoUsd` set. Undefined on a miss,
   * for requests the cache does not take, and when the backend is down.
   */
  lookup(tier: RoutableTier, request: CompletionRequest): Promise<Completion | undefined>;
  /**
   * Keeps a complete upstream answer (finish reason stop or length) for its
   * tier's TTL. The write happens off the request path; nothing to await.
   */
  store(request: CompletionRequest, completion: Completion): void;
  stats(): ResponseCacheStats;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { backend, tiers, modelsOf, prices } = options;
  const sampled = options.sampled ?? false;
  const maxEntryBytes = options.maxEntryBytes ?? 1024 * 1024;
  const partitionOf = options.scope === "caller" ? (request: CompletionRequest) => request.caller.id : () => undefined;
  const stats: ResponseCacheStats = { hits: 0, misses: 0, stores: 0, skipped: 0, tooLarge: 0 };

  /** Bypass: neither read nor written. Sampled requests ask for a fresh sample. */
  const takes = (request: CompletionRequest) => !request.cacheBypass && (sampled || request.params.temperature === 0);

  return {
    async lookup(tier, request) {
      if (!takes(request) || !tiers[tier].enabled) {
        stats.skipped++;
        return undefined;
      }
      const models = modelsOf[tier];
      const values = await backend.getMany(responseKeys(request, models, partitionOf(request)));
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value === undefined) continue;
        const entry = decodeEntry(value);
        // The model is in the key; checking it again costs nothing and
        // guards against a foreign writer under the same prefix.
        if (entry === undefined || entry.model !== models[i]) continue;
        stats.hits++;
        return {
          content: entry.content,
          finishReason: entry.finishReason,
          tier,
          deployment: entry.deployment,
          model: entry.model,
          attempts: [],
          usage: { ...ZERO_USAGE },
          costPicoUsd: 0n,
          cacheHit: true,
          cacheSavedPicoUsd: prices.has(entry.model) ? costOf(entry.usage, prices.priceOf(entry.model)) : 0n,
        };
      }
      stats.misses++;
      return undefined;
    },

    store(request, completion) {
      if (completion.cacheHit || !takes(request) || !tiers[completion.tier].enabled) return;
      // Content filtered, tool calls or an unknown reason: not an answer to replay.
      if (completion.finishReason !== FinishReason.STOP && completion.finishReason !== FinishReason.LENGTH) return;
      if (completion.toolCalls !== undefined) return;
      const value = encodeEntry({
        content: completion.content,
        finishReason: completion.finishReason,
        model: completion.model,
        deployment: completion.deployment,
        usage: completion.usage,
      });
      if (Buffer.byteLength(value) > maxEntryBytes) {
        stats.tooLarge++;
        return;
      }
      const [key] = responseKeys(request, [completion.model], partitionOf(request));
      stats.stores++;
      void backend.set(key!, value, tiers[completion.tier].ttlMs);
    },

    stats: () => ({ ...stats }),
  };
}
