// Decides every record of a batch with the configured TierDecider (the code
// the Classify RPC runs) and summarises: share of prompts per tier, per
// endpoint, and, when the records carry token counts, the projected cost
// against sending everything to one tier.
import type { Decision } from "../core/types.js";
import type { TierDecider } from "../policy/index.js";
import type { BatchRecord, ParsedRecord } from "./records.js";
import { NAME_OF_TIER, type TierName } from "../core/tiers.js";
import { stageName } from "../core/decision-stage.js";

export interface BatchLine {
  id: string;
  tier?: TierName;
  score?: number;
  confidence?: number;
  stage?: string;
  reason?: string;
  /** Shadow mode: the tier that would serve it (tier is what the router chose). */
  served?: string;
  error?: string;
}

/** Price of one token per tier, in pico-USD: input and output. */
export type TierPrices = Record<TierName, { input: bigint; output: bigint; model: string }>;

export interface BatchSummary {
  prompts: number;
  errors: number;
  tiers: Record<string, { count: number; share: number }>;
  endpoints: Record<string, Record<string, number>>;
  /** Present when some records carry token counts. */
  cost?: {
    pricedPrompts: number;
    routedUsd: number;
    allUsd: Record<TierName, number>;
    savingVsFrontier: number;
    savingVsMid: number;
  };
  elapsedMs: number;
}

export interface ClassifyBatchOptions {
  decider: TierDecider;
  records: readonly ParsedRecord[];
  /** Called once per record, in input order. */
  write: (line: BatchLine) => void;
  prices?: TierPrices;
  /** Decisions in flight at once (matters only when the LLM classifier runs). */
  concurrency?: number;
  signal?: AbortSignal;
}

export async function classifyBatch(options: ClassifyBatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const { decider, records, prices } = options;
  const signal = options.signal ?? new AbortController().signal;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const results: (BatchLine | undefined)[] = new Array(records.length);
  const tierCounts = { nano: 0, mid: 0, frontier: 0 };
  const endpoints: Record<string, Record<string, number>> = {};
  let errors = 0;
  let written = 0;
  let priced = 0;
  let routed = 0n;
  const all = { nano: 0n, mid: 0n, frontier: 0n };

  const flush = () => {
    while (written < records.length && results[written] !== undefined) {
      options.write(results[written]!);
      results[written] = undefined;
      written++;
    }
  };
  const decideOne = async (i: number) => {
    const parsed = records[i]!;
    if (!parsed.ok) {
      errors++;
      results[i] = { id: parsed.id, error: `${parsed.where}: ${parsed.error}` };
      return;
    }
    const r: BatchRecord = parsed.record;
    const decision: Decision = await decider.decide(
      { requestId: r.id, messages: r.messages, endpoint: r.endpoint, caller: { id: "", plan: r.plan, metadata: {} } },
      { signal },
    );
    const chosen = decision.shadow ?? decision;
    const tier = NAME_OF_TIER[chosen.tier];
    tierCounts[tier]++;
    const byEndpoint = (endpoints[r.endpoint || "(none)"] ??= { nano: 0, mid: 0, frontier: 0 });
    byEndpoint[tier] = (byEndpoint[tier] ?? 0) + 1;
    if (prices !== undefined && r.inputTokens !== undefined) {
      priced++;
      const cost = (t: TierName) => BigInt(r.inputTokens!) * prices[t].input + BigInt(r.outputTokens ?? 0) * prices[t].output;
      routed += cost(tier);
      all.nano += cost("nano");
      all.mid += cost("mid");
      all.frontier += cost("frontier");
    }
    results[i] = {
      id: r.id,
      tier,
      score: round(chosen.score),
      confidence: round(chosen.confidence),
      stage: stageName(chosen.decidedBy),
      reason: chosen.reason,
      ...(decision.shadow ? { served: NAME_OF_TIER[decision.tier] } : {}),
    };
  };

  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      await decideOne(i);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, records.length)) }, worker));
  flush();

  const decided = tierCounts.nano + tierCounts.mid + tierCounts.frontier;
  const share = (c: number) => (decided === 0 ? 0 : c / decided);
  const usd = (pico: bigint) => Number(pico) / 1e12;
  return {
    prompts: records.length,
    errors,
    tiers: {
      nano: { count: tierCounts.nano, share: share(tierCounts.nano) },
      mid: { count: tierCounts.mid, share: share(tierCounts.mid) },
      frontier: { count: tierCounts.frontier, share: share(tierCounts.frontier) },
    },
    endpoints,
    ...(priced > 0
      ? {
          cost: {
            pricedPrompts: priced,
            routedUsd: usd(routed),
            allUsd: { nano: usd(all.nano), mid: usd(all.mid), frontier: usd(all.frontier) },
            savingVsFrontier: all.frontier === 0n ? 0 : 1 - Number(routed) / Number(all.frontier),
            savingVsMid: all.mid === 0n ? 0 : 1 - Number(routed) / Number(all.mid),
          },
        }
      : {}),
    elapsedMs: performance.now() - started,
  };
}

function round(x: number): number {
  // Six decimals: routing metrics rank prompts by score, and coarser rounding
  // ties prompts the model does tell apart.
  return Math.round(x * 1_000_000) / 1_000_000;
}
