// From a prediction (score and calibrated probabilities) to a tier: the
// thresholds, then "when unsure, round up, never down". One pure function,
// shared by the decision cascade, `tierd calibrate` and the evaluation, so
// what is measured is what serves.
import { TIER_NAMES, type TierName } from "../core/tiers.js";

export interface TierSettings {
  /** Score below this: nano. */
  nanoBelow: number;
  /** Score above this: frontier. In between: mid. */
  frontierAbove: number;
  /**
   * A nano or mid choice whose confidence (the probability of that tier) is
   * below this, and whose doubt leans upward (the tiers above it are more
   * likely than those below), rounds up one tier. 0 turns it off.
   */
  ambiguousBelow: number;
}

export interface TierChoiceResult {
  tier: TierName;
  /** The tier the thresholds gave, before any round-up. */
  byThresholds: TierName;
  /** Probability of the tier the thresholds gave. */
  confidence: number;
  /** The tier one up, when the choice is unsure with the doubt above it; undefined when it is sure or doubts downward. */
  doubtUp?: TierName;
  roundedUp: boolean;
}

export function thresholdTier(score: number, s: Pick<TierSettings, "nanoBelow" | "frontierAbove">): TierName {
  if (score < s.nanoBelow) return "nano";
  if (score > s.frontierAbove) return "frontier";
  return "mid";
}

/**
 * The tier for a prediction. `doubtUp` is reported whatever the confidence,
 * so the LLM classifier (with its own confidence threshold) knows which two
 * tiers it is breaking a tie between.
 */
export function chooseTier(prediction: { score: number; probabilities: readonly [number, number, number] }, s: TierSettings): TierChoiceResult {
  const byThresholds = thresholdTier(prediction.score, s);
  const t = TIER_NAMES.indexOf(byThresholds);
  const p = prediction.probabilities;
  const confidence = p[t]!;
  const above = t === 2 ? 0 : t === 1 ? p[2] : p[1] + p[2];
  const below = t === 0 ? 0 : t === 1 ? p[0] : p[0] + p[1];
  const doubtUp = t < 2 && above > below ? TIER_NAMES[t + 1] : undefined;
  const roundedUp = doubtUp !== undefined && confidence < s.ambiguousBelow;
  return { tier: roundedUp ? doubtUp! : byThresholds, byThresholds, confidence, ...(doubtUp === undefined ? {} : { doubtUp }), roundedUp };
}

/** A setting that has no effect with the model's calibration, and why. */
export interface SettingConflict {
  /** Config paths, the first is the setting to change. */
  paths: [string, string];
  message: string;
}

/**
 * Under an ordinal calibration the score and the probabilities move
 * together, so a confidence threshold is also a score threshold: the
 * round-up turns every nano above some score into mid, and every mid above
 * some score into frontier. A threshold beyond that point would have no
 * effect; say so instead of ignoring it. Checked on the free-text
 * calibration, the one product traffic is scored with.
 */
export function settingConflicts(calibration: { cuts: readonly [number, number]; temperature: number }, s: TierSettings): SettingConflict[] {
  const out: SettingConflict[] = [];
  const a = s.ambiguousBelow;
  if (a <= 0) return out;
  const [c1, c2] = calibration.cuts;
  const t = calibration.temperature;
  const probsAt = (z: number) => {
    const atLeastMid = 1 / (1 + Math.exp(-(z - c1) / t));
    const atLeastFrontier = Math.min(atLeastMid, 1 / (1 + Math.exp(-(z - c2) / t)));
    return { score: (atLeastMid + atLeastFrontier) / 2, nano: 1 - atLeastMid, mid: atLeastMid - atLeastFrontier };
  };
  const fmt = (x: number) => x.toFixed(3);
  // Nano: its confidence P(nano) falls as the score rises.
  const zNano = c1 + t * Math.log((1 - a) / Math.max(a, 1e-9));
  const nanoUpTo = a >= 1 ? 0 : probsAt(zNano).score;
  if (s.nanoBelow > nanoUpTo + 1e-9) {
    out.push({
      paths: ["classifier.nano_below", "classifier.ambiguous_below"],
      message:
        `${s.nanoBelow} has no effect above ${fmt(nanoUpTo)}: from that score on, a nano choice has confidence below classifier.ambiguous_below (${a}) ` +
        `and rounds up to mid, so scores between ${fmt(nanoUpTo)} and ${s.nanoBelow} go to mid either way. ` +
        `Set nano_below to at most ${fmt(nanoUpTo)}, or lower ambiguous_below`,
    });
  }
  // Mid: above the midpoint of the cut points its doubt leans up, and P(mid)
  // falls as the score rises; the round-up starts where it drops below a.
  const zMid = (c1 + c2) / 2;
  let lo = zMid;
  let hi = zMid + 50 * t + (c2 - c1);
  if (probsAt(lo).mid >= a) {
    for (let k = 0; k < 80; k++) {
      const m = (lo + hi) / 2;
      if (probsAt(m).mid >= a) lo = m;
      else hi = m;
    }
  }
  const frontierFrom = probsAt(lo).score;
  if (s.frontierAbove > frontierFrom + 1e-9 && s.nanoBelow < s.frontierAbove) {
    out.push({
      paths: ["classifier.frontier_above", "classifier.ambiguous_below"],
      message:
        `${s.frontierAbove} has no effect above ${fmt(frontierFrom)}: from that score on, a mid choice has confidence below classifier.ambiguous_below (${a}) ` +
        `with its doubt leaning up, and rounds up to frontier, so scores between ${fmt(frontierFrom)} and ${s.frontierAbove} go to frontier either way. ` +
        `Set frontier_above to at most ${fmt(frontierFrom)}, or lower ambiguous_below`,
    });
  }
  return out;
}
