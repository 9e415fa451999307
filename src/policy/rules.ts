// Policy rules: configured data, evaluated in order before any classifier.
// A rule either fixes the tier (`tier`) or bounds it (`min_tier` floor,
// `max_tier` ceiling). Bounds narrow an allowed range as the walk goes; when
// a later bound contradicts an earlier one, the earlier rule wins (order is
// the priority). A fixed tier ends the walk and is itself kept inside the
// range the earlier rules set, so a classifier never overrides endpoint
// intent and neither does a later, more general rule.
import type { PolicyConfig, RuleConfig, TierName } from "../config/index.js";
import { endpointMatches } from "../core/endpoints.js";
import { hasImages, hasTools } from "../core/request-needs.js";
import type { ClassifyInput } from "../core/types.js";
import { clampTierName, rankOf } from "../core/tiers.js";

type RuleInput = Pick<ClassifyInput, "endpoint" | "caller" | "messages" | "params">;

/** The rule that set a bound, so a clamped decision can name it. */
export interface Bound {
  tier: TierName;
  rule: string;
}

/** One rule that matched, and what it did. */
export interface RuleMatch {
  rule: string;
  /** The tier it fixed or the bound it set (after earlier rules had their say). */
  tier: TierName;
  effect: "fixed" | "floor" | "ceiling" | "overruled";
  detail: string;
}

export interface RuleEvaluation {
  /** Set when a rule fixed the tier: no classifier runs. */
  fixed?: { tier: TierName; rule: string };
  floor?: Bound;
  ceiling?: Bound;
  matches: RuleMatch[];
}

/** The size rule's name in decisions. */
export const LARGE_INPUT_RULE = "large-input";

/** The configured rules followed by the size rule, as one ordered list. */
export function policyRules(policy: PolicyConfig): RuleConfig[] {
  const rules = [...policy.rules];
  if (policy.large_input_tokens > 0) {
    rules.push({ name: LARGE_INPUT_RULE, when: { input_tokens_above: policy.large_input_tokens }, min_tier: policy.large_input_min_tier });
  }
  return rules;
}

export function evaluateRules(rules: readonly RuleConfig[], input: RuleInput, inputTokens: number): RuleEvaluation {
  const result: RuleEvaluation = { matches: [] };
  for (const rule of rules) {
    const why = matchReason(rule, input, inputTokens);
    if (why === undefined) continue;
    if (rule.tier !== undefined) {
      const tier = clamp(rule.tier, result.floor, result.ceiling);
      const kept = tier === rule.tier;
      result.fixed = { tier, rule: rule.name };
      result.matches.push({
        rule: rule.name,
        tier,
        effect: "fixed",
        detail: kept ? `${why}: always ${tier}` : `${why}: always ${rule.tier}, kept within earlier rule ${boundNameFor(rule.tier, result)} -> ${tier}`,
      });
      return result;
    }
    if (rule.min_tier !== undefined) applyBound(result, rule, rule.min_tier, "floor", why);
    if (rule.max_tier !== undefined) applyBound(result, rule, rule.max_tier, "ceiling", why);
  }
  return result;
}

function applyBound(result: RuleEvaluation, rule: RuleConfig, tier: TierName, kind: "floor" | "ceiling", why: string): void {
  const other = kind === "floor" ? result.ceiling : result.floor;
  const contradicts = other !== undefined && (kind === "floor" ? rankOf(tier) > rankOf(other.tier) : rankOf(tier) < rankOf(other.tier));
  if (contradicts) {
    result.matches.push({ rule: rule.name, tier, effect: "overruled", detail: `${why}: ${boundText(kind, tier)}, overruled by earlier rule ${other.rule}` });
    return;
  }
  const current = result[kind];
  const tighter = current === undefined || (kind === "floor" ? rankOf(tier) > rankOf(current.tier) : rankOf(tier) < rankOf(current.tier));
  if (tighter) result[kind] = { tier, rule: rule.name };
  result.matches.push({ rule: rule.name, tier, effect: kind, detail: `${why}: ${boundText(kind, tier)}` });
}

function boundText(kind: "floor" | "ceiling", tier: TierName): string {
  return kind === "floor" ? `at least ${tier}` : `at most ${tier}`;
}

function boundNameFor(tier: TierName, result: RuleEvaluation): string {
  if (result.floor !== undefined && rankOf(tier) < rankOf(result.floor.tier)) return result.floor.rule;
  return result.ceiling?.rule ?? "?";
}

/** Keeps a tier inside [floor, ceiling]. */
export function clamp(tier: TierName, floor: Bound | undefined, ceiling: Bound | undefined): TierName {
  return clampTierName(tier, floor?.tier ?? "nano", ceiling?.tier ?? "frontier");
}

/** Why the rule matches ("endpoint /x, plan free"), or undefined when it does not. */
function matchReason(rule: RuleConfig, input: RuleInput, inputTokens: number): string | undefined {
  const parts: string[] = [];
  const { endpoint, plan, input_tokens_above: above, has_tools: tools, has_images: images } = rule.when;
  if (endpoint !== undefined) {
    if (!listOf(endpoint).some((pattern) => endpointMatches(pattern, input.endpoint))) return undefined;
    parts.push(`endpoint ${input.endpoint}`);
  }
  if (plan !== undefined) {
    if (!listOf(plan).includes(input.caller.plan)) return undefined;
    parts.push(`plan ${input.caller.plan}`);
  }
  if (above !== undefined) {
    if (!(inputTokens > above)) return undefined;
    parts.push(`${inputTokens} input tokens > ${above}`);
  }
  if (tools !== undefined) {
    if (hasTools(input) !== tools) return undefined;
    parts.push(tools ? "has tools" : "no tools");
  }
  if (images !== undefined) {
    if (hasImages(input) !== images) return undefined;
    parts.push(images ? "has images" : "no images");
  }
  return `rule ${rule.name} (${parts.join(", ")})`;
}

function listOf(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** True when the caller's plan may force a tier. */
export function overrideAllowed(policy: Pick<PolicyConfig, "override_plans">, plan: string): boolean {
  return policy.override_plans.includes("*") || policy.override_plans.includes(plan);
}
