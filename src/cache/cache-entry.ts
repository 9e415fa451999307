// What a cached answer holds, as JSON: the text, why it finished, who
// produced it and what it used, so a hit can say what it saved. Entries read
// back from a shared Redis are checked field by field: a value written by
// another version, or by something else entirely, is a miss.
import { FinishReason, type Usage } from "../core/types.js";

export interface CacheEntry {
  content: string;
  finishReason: FinishReason.STOP | FinishReason.LENGTH;
  model: string;
  deployment: string;
  /** The upstream usage of the original answer. */
  usage: Usage;
}

const ENTRY_VERSION = 1;

export function encodeEntry(entry: CacheEntry): string {
  const u = entry.usage;
  return JSON.stringify({
    v: ENTRY_VERSION,
    content: entry.content,
    finish: entry.finishReason === FinishReason.LENGTH ? "length" : "stop",
    model: entry.model,
    deployment: entry.deployment,
    usage: [u.inputTokens, u.outputTokens, u.cachedInputTokens, u.reasoningTokens, u.cacheWriteTokens, u.estimated ? 1 : 0],
  });
}

/** The entry, or undefined when the value is not one this version wrote. */
export function decodeEntry(value: string): CacheEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.v !== ENTRY_VERSION || typeof r.content !== "string" || typeof r.model !== "string" || typeof r.deployment !== "string") return undefined;
  if (r.finish !== "stop" && r.finish !== "length") return undefined;
  const u = r.usage;
  if (!Array.isArray(u) || u.length !== 6 || !u.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return undefined;
  const [inputTokens, outputTokens, cachedInputTokens, reasoningTokens, cacheWriteTokens, estimated] = u as number[];
  return {
    content: r.content,
    finishReason: r.finish === "length" ? FinishReason.LENGTH : FinishReason.STOP,
    model: r.model,
    deployment: r.deployment,
    usage: { inputTokens: inputTokens!, outputTokens: outputTokens!, cachedInputTokens: cachedInputTokens!, reasoningTokens: reasoningTokens!, cacheWriteTokens: cacheWriteTokens!, estimated: estimated === 1 },
  };
}
