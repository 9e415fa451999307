// Metrics for labelled data (one right tier per prompt): accuracy, per-tier
// precision and recall, the confusion matrix, and the share of "too low"
// errors, the costly kind (a cheap model's wrong answer reaches the user).
import { TIER_NAMES } from "../core/tiers.js";

export interface LabelMetrics {
  prompts: number;
  accuracy: number;
  /** confusion[actual][predicted], tiers cheapest first. */
  confusion: number[][];
  perTier: { tier: string; precision: number; recall: number; support: number }[];
  /** Share of all prompts sent to a tier below the right one. */
  tooLow: number;
  /** Share of all prompts sent to a tier above the right one. */
  tooHigh: number;
}


export function labelMetrics(pairs: readonly { actual: 0 | 1 | 2; predicted: 0 | 1 | 2 }[]): LabelMetrics {
  const confusion = [0, 1, 2].map(() => [0, 0, 0]);
  let right = 0;
  let low = 0;
  let high = 0;
  for (const { actual, predicted } of pairs) {
    confusion[actual]![predicted]!++;
    if (actual === predicted) right++;
    else if (predicted < actual) low++;
    else high++;
  }
  const n = pairs.length;
  const perTier = TIER_NAMES.map((tier, t) => {
    const predictedAs = confusion.reduce((s, row) => s + row[t]!, 0);
    const support = confusion[t]!.reduce((s, v) => s + v, 0);
    return { tier, precision: predictedAs === 0 ? 0 : confusion[t]![t]! / predictedAs, recall: support === 0 ? 0 : confusion[t]![t]! / support, support };
  });
  return { prompts: n, accuracy: n === 0 ? 0 : right / n, confusion, perTier, tooLow: n === 0 ? 0 : low / n, tooHigh: n === 0 ? 0 : high / n };
}
