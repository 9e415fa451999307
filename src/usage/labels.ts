// Training data out of the ledger: feedback joined with stored prompts,
// written as the few-shot file format agreed with the classifier, JSONL of
// {"prompt": "...", "tier": "nano" | "mid" | "frontier"}.
import type { TierName } from "../config/index.js";
import type { FeedbackVerdict, FeedbackWithRecord, LedgerStore } from "./store.js";

export interface LabeledExample {
  prompt: string;
  tier: TierName;
}

export interface LabelExport {
  /** Newest feedback first, one example per distinct prompt. */
  examples: (LabeledExample & { requestId: string; verdict: FeedbackVerdict })[];
  /** Feedback whose request has no stored prompt (usage.store_prompts was off). */
  withoutPrompt: number;
  /** Feedback that names no tier (a bad answer without an expected tier). */
  withoutTier: number;
  /** Older feedback on a prompt that already has a newer label. */
  duplicates: number;
}

export interface LabelExportOptions {
  sinceMs: number;
  /** Which verdicts count: few-shot files take misrouted only, training takes all. */
  verdicts: readonly FeedbackVerdict[];
  /** At most this many examples (the newest). */
  limit?: number;
}

export async function exportLabels(store: Pick<LedgerStore, "feedbackWithRecords">, options: LabelExportOptions): Promise<LabelExport> {
  const rows = await store.feedbackWithRecords(options.sinceMs, options.verdicts);
  const out: LabelExport = { examples: [], withoutPrompt: 0, withoutTier: 0, duplicates: 0 };
  const seen = new Set<string>();
  for (const row of rows) {
    const tier = labelOf(row);
    if (tier === null) {
      out.withoutTier++;
      continue;
    }
    if (row.promptText === null) {
      out.withoutPrompt++;
      continue;
    }
    if (seen.has(row.promptSha256)) {
      out.duplicates++;
      continue;
    }
    seen.add(row.promptSha256);
    if (options.limit !== undefined && out.examples.length >= options.limit) continue;
    out.examples.push({ prompt: row.promptText, tier, requestId: row.requestId, verdict: row.verdict });
  }
  return out;
}

/** The tier a feedback entry teaches: the expected one, or the one that answered well. */
function labelOf(row: FeedbackWithRecord): TierName | null {
  if (row.verdict === "good") return row.servedTier ?? row.recordTier;
  return row.expectedTier;
}

/** One JSON object per line, exactly the agreed fields. */
export function toJsonl(examples: readonly LabeledExample[]): string {
  return examples.map((e) => JSON.stringify({ prompt: e.prompt, tier: e.tier }) + "\n").join("");
}
