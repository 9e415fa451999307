// Each of the dashboard's tables as CSV, for a spreadsheet: one header row,
// money in dollars with all twelve decimals of the pico-dollar figures (so
// columns still add up exactly), times in ISO 8601 UTC.
import type { UsageReport } from "../usage/index.js";

export const CSV_TABLES = ["series", "tiers", "deployments", "endpoints", "break_even", "shadow", "misroutes"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

type Cell = string | number | bigint | null;

export function isCsvTable(name: string): name is CsvTable {
  return (CSV_TABLES as readonly string[]).includes(name);
}

export function reportCsv(r: UsageReport, table: CsvTable): string {
  const [header, rows] = tableOf(r, table);
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

function tableOf(r: UsageReport, table: CsvTable): [string[], Cell[][]] {
  switch (table) {
    case "series":
      return [
        ["start", "requests", "errors", "canceled", "fallbacks", "cache_hits", "nano_requests", "mid_requests", "frontier_requests", "nano_usd", "mid_usd", "frontier_usd", "actual_usd", "all_mid_usd", "all_frontier_usd", "shadow_requests", "shadow_would_cost_usd", "misroutes_too_low", "misroutes_too_high"],
        r.series.map((b) => [
          iso(b.startMs),
          b.requests,
          b.errors,
          b.canceled,
          b.fallbacks,
          b.cacheHits,
          ...b.tiers.map((t) => t.requests),
          ...b.tiers.map((t) => usd(t.costPicoUsd)),
          usd(b.actualPicoUsd),
          usd(b.allMidPicoUsd),
          usd(b.allFrontierPicoUsd),
          b.shadowRequests,
          usd(b.shadowWouldCostPicoUsd),
          b.misroutesTooLow,
          b.misroutesTooHigh,
        ]),
      ];
    case "tiers":
      return [
        ["tier", "requests", "request_share", "cost_usd", "cost_share", "errors", "error_rate", "decided", "fallbacks_out", "fallback_rate", "fallbacks_in", "p50_ms", "p95_ms", "cache_hits", "cache_saved_usd"],
        r.tiers.map((t) => [t.tier, t.requests, t.requestShare, usd(t.costPicoUsd), t.costShare, t.errors, t.errorRate, t.decided, t.fallbacksOut, t.fallbackRate, t.fallbacksIn, t.latencyP50Ms, t.latencyP95Ms, t.cacheHits, usd(t.cacheSavedPicoUsd)]),
      ];
    case "deployments":
      return [
        ["tier", "deployment", "requests", "errors", "error_rate", "fallbacks_in", "retried", "retried_rate", "cost_usd"],
        r.deployments.map((d) => [d.tier, d.deployment === "" ? "(none answered)" : d.deployment, d.requests, d.errors, d.errorRate, d.fallbacksIn, d.retried, d.retriedRate, usd(d.costPicoUsd)]),
      ];
    case "endpoints": {
      const verdicts = new Map(r.breakEven.map((b) => [b.endpoint, b]));
      return [
        ["endpoint", "requests", "cost_usd", "cost_share", "nano_share", "mid_share", "frontier_share", "break_even", "margin_ms"],
        r.topEndpoints.map((e) => [e.endpoint, e.requests, usd(e.costPicoUsd), e.costShare, ...e.tiers.map((t) => t.share), verdicts.get(e.endpoint)?.verdict ?? "no nano answers", verdicts.get(e.endpoint)?.marginMs ?? null]),
      ];
    }
    case "break_even":
      return [
        ["endpoint", "nano_requests", "mid_requests", "classifier_p50_ms", "nano_p50_ms", "mid_p50_ms", "mid_source", "margin_ms", "verdict"],
        r.breakEven.map((b) => [b.endpoint, b.nanoRequests, b.midRequests, b.classifierP50Ms, b.nanoP50Ms, b.midP50Ms, b.midSource, b.marginMs, b.verdict]),
      ];
    case "shadow":
      return [["would_choose", "served", "requests"], (r.shadow?.matrix ?? []).map((m) => [m.wouldChoose, m.served ?? "(none)", m.requests])];
    case "misroutes":
      return [
        ["request_id", "request_time", "reported_time", "endpoint", "decided_tier", "served_tier", "expected_tier"],
        r.misroutes.latest.map((m) => [m.requestId, iso(m.requestAtMs), iso(m.reportedAtMs), m.endpoint, m.decidedTier, m.servedTier, m.expectedTier]),
      ];
  }
}

/** pico-USD as an exact decimal number of dollars. */
export function usd(pico: bigint): string {
  const negative = pico < 0n;
  const abs = negative ? -pico : pico;
  return `${negative ? "-" : ""}${abs / 1_000_000_000_000n}.${(abs % 1_000_000_000_000n).toString().padStart(12, "0")}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break.
 * Endpoint names and request ids come from callers: one that starts like a
 * formula (= + - @, or a tab or CR) gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it.
 */
function field(value: Cell): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
